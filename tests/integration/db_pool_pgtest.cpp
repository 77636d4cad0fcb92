// The pool under load, at its bounds, and when the database cannot be reached.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/strand.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"
#include "support/nelo_process.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::params;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr db::MigrationFile kCounters[] = {
    {"0001_hits.sql", "CREATE TABLE app.hits (id int PRIMARY KEY, thread text NOT NULL)"}};

class PoolTest : public DbTest {
 protected:
  void prepare(db::Pool& pool) { migrate(pool, {{"app", {}, kCounters}}); }
};

TEST_F(PoolTest, TwoHundredConcurrentCoroutines_ShareFourConnectionsOnTwoThreads) {
  auto pool = make_pool(4);
  prepare(*pool);
  std::atomic<int> ok{0}, failed{0};
  std::atomic<std::size_t> max_size{0};
  run([&]() -> awaitable<void> {
    for (int i = 0; i < 200; ++i) {
      boost::asio::co_spawn(
          io,
          [&ok, &failed, &max_size, pool, i]() -> awaitable<void> {
            if (i % 2) {
              auto r = co_await pool->execute("app", "SELECT $1::int AS n, pg_sleep(0.002)", params(i));
              if (r.front().get<std::int32_t>("n") != i) throw std::runtime_error("wrong row");
            } else {
              auto tx = co_await pool->begin("app");
              co_await tx.execute("INSERT INTO app.hits (id, thread) VALUES ($1, $2)", params(i, "t"));
              co_await tx.commit();
            }
            std::size_t size = pool->stats().size, seen = max_size.load();
            while (size > seen && !max_size.compare_exchange_weak(seen, size)) {
            }
          },
          [&](std::exception_ptr e) { e ? ++failed : ++ok; });
    }
    co_return;
  }(), 2);
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(max_size.load(), 4u);
  EXPECT_EQ(database.value("SELECT count(*) FROM app.hits"), "100");
  auto stats = pool->stats();
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_LE(stats.size, 4u);
  EXPECT_GT(stats.waits_total, 0u) << "200 coroutines on 4 connections must have waited";
  EXPECT_EQ(stats.timeouts_total, 0u);
}

TEST_F(PoolTest, AllConnectionsHeld_AcquireGivesUpWithUnavailableAfterTheBound) {
  auto o = options(2);
  o.acquire_timeout = 300ms;
  auto pool = make_pool(o);
  prepare(*pool);
  run([&]() -> awaitable<void> {
    auto a = co_await pool->begin("app");
    auto b = co_await pool->begin("app");
    auto start = Clock::now();
    bool unavailable = false;
    try {
      co_await pool->begin("app");
    } catch (const db::Unavailable& e) {
      unavailable = true;
      EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    }
    auto waited = Clock::now() - start;
    EXPECT_TRUE(unavailable);
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 1500ms);
    EXPECT_EQ(pool->stats().timeouts_total, 1u);
    EXPECT_EQ(pool->stats().waiting, 0u);
    co_await a.commit();
    // A connection is free again: the next acquisition succeeds at once.
    auto c = co_await pool->begin("app");
    co_await c.commit();
    co_await b.commit();
  }());
}

TEST_F(PoolTest, Waiter_GetsTheConnectionAsSoonAsItIsReleased) {
  auto pool = make_pool(1);
  prepare(*pool);
  Clock::duration waited{};
  std::atomic<bool> second_done{false};
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin("app");
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          auto start = Clock::now();
          auto r = co_await pool->execute("app", "SELECT 7");
          waited = Clock::now() - start;
          second_done = r.front().get<std::int32_t>(0) == 7;
        },
        boost::asio::detached);
    co_await sleep_for(200ms);
    EXPECT_FALSE(second_done.load());
    EXPECT_EQ(pool->stats().waiting, 1u);
    co_await holder.commit();
  }(), 2);
  EXPECT_TRUE(second_done.load());
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 1500ms);
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(PoolTest, OnceEveryWaiterIsServed_NoAcquisitionTimerIsLeftBehind) {
  // A waiter's deadline arms a timer; served long before it, nothing must keep the io_context
  // busy until that deadline (run() returns when no work is left).
  auto o = options(1);
  o.acquire_timeout = std::chrono::seconds(60);
  auto pool = make_pool(o);
  prepare(*pool);
  const auto start = Clock::now();
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin("app");
    boost::asio::co_spawn(
        io, [&]() -> awaitable<void> { co_await pool->execute("app", "SELECT 1"); }, boost::asio::detached);
    co_await sleep_for(100ms);
    EXPECT_EQ(pool->stats().waiting, 1u);
    co_await holder.commit();
  }(), 2);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(30)) << "the 60 s acquisition timer was left armed";
  EXPECT_EQ(pool->stats().waits_total, 1u);
}

TEST_F(PoolTest, Ping_IsTrueWhenTheDatabaseAnswers) {
  auto pool = make_pool(2);
  EXPECT_TRUE(run(pool->ping()));
}

TEST_F(PoolTest, Ping_IsFalseQuicklyWhenNothingListens) {
  auto o = options(2);
  o.conninfo = "postgresql://nelo@127.0.0.1:" + std::to_string(free_port()) + "/postgres";
  auto pool = make_pool(o);
  auto start = Clock::now();
  EXPECT_FALSE(run(pool->ping()));
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_THROW(run(pool->execute_as_owner("SELECT 1")), db::Unavailable);
  EXPECT_EQ(pool->stats().size, 0u) << "failed connection attempts must give their slot back";
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(PoolTest, Ping_IsFalseWithinItsBoundWhenThePoolIsSaturated) {
  auto o = options(1);
  o.acquire_timeout = 5000ms;
  auto pool = make_pool(o);
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin_as_owner();
    auto start = Clock::now();
    EXPECT_FALSE(co_await pool->ping());
    EXPECT_LT(Clock::now() - start, 2000ms);
    co_await holder.commit();
    EXPECT_TRUE(co_await pool->ping());
  }());
}

TEST_F(PoolTest, EachWaiterKeepsItsOwnBound_AShorterOneQueuedLaterStillEndsFirst) {
  auto o = options(1);
  o.acquire_timeout = 5000ms;
  auto pool = make_pool(o);
  prepare(*pool);
  std::atomic<bool> patient_served{false};
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin("app");
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {  // waits with the pool's 5 s bound
          auto r = co_await pool->execute("app", "SELECT 1");
          patient_served = r.front().get<std::int32_t>(0) == 1;
        },
        boost::asio::detached);
    co_await sleep_for(50ms);
    auto start = Clock::now();
    EXPECT_FALSE(co_await pool->ping()) << "its own 1 s bound, not the earlier waiter's 5 s";
    EXPECT_LT(Clock::now() - start, 2000ms);
    EXPECT_EQ(pool->stats().waiting, 1u) << "the patient waiter is still queued";
    EXPECT_FALSE(patient_served.load());
    co_await holder.commit();
    for (int i = 0; i < 100 && !patient_served; ++i) co_await sleep_for(10ms);
  }(), 2);
  EXPECT_TRUE(patient_served.load());
  EXPECT_EQ(pool->stats().timeouts_total, 1u) << "only the ping gave up";
}

TEST_F(PoolTest, BadCredentials_AreUnavailableNotAHang) {
  auto o = options(1);
  o.conninfo = database.conninfo_with("user=no_such_user_here");
  auto pool = make_pool(o);
  EXPECT_THROW(run(pool->execute_as_owner("SELECT 1")), db::Unavailable);
  EXPECT_FALSE(run(pool->ping()));
}

TEST_F(PoolTest, InvalidConninfo_IsReported) {
  auto o = options(1);
  o.conninfo = "this is not = a valid 'conninfo";
  auto pool = make_pool(o);
  EXPECT_ANY_THROW(run(pool->execute_as_owner("SELECT 1")));
  EXPECT_EQ(pool->stats().size, 0u);
}

TEST_F(PoolTest, Close_FailsWaitersAndLaterAcquisitions) {
  auto o = options(1);
  o.acquire_timeout = 5000ms;
  auto pool = make_pool(o);
  std::atomic<bool> waiter_unavailable{false};
  auto start = Clock::now();
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin_as_owner();
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          try {
            co_await pool->begin_as_owner();
          } catch (const db::Unavailable&) {
            waiter_unavailable = true;
          }
        },
        boost::asio::detached);
    co_await sleep_for(100ms);
    pool->close();
    co_await holder.commit();  // a checked-out connection still finishes its work
  }());
  EXPECT_TRUE(waiter_unavailable.load());
  EXPECT_LT(Clock::now() - start, 3000ms);
  EXPECT_THROW(run(pool->begin_as_owner()), db::Unavailable);
  EXPECT_FALSE(run(pool->ping()));
  EXPECT_EQ(pool->stats().size, 0u);
}

TEST_F(PoolTest, CancelledQuery_DiscardsItsConnectionAndThePoolCarriesOn) {
  using namespace boost::asio::experimental::awaitable_operators;
  auto pool = make_pool(1);
  prepare(*pool);
  run([&]() -> awaitable<void> {
    auto start = Clock::now();
    auto which = co_await (pool->execute("app", "SELECT pg_sleep(5)") || sleep_for(200ms));
    EXPECT_EQ(which.index(), 1u);
    EXPECT_LT(Clock::now() - start, 2000ms);
    auto r = co_await pool->execute("app", "SELECT 1");
    EXPECT_EQ(r.front().get<std::int32_t>(0), 1);
  }());
  EXPECT_EQ(pool->stats().size, 1u);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(PoolTest, Waiter_ResumesOnItsOwnStrand) {
  auto pool = make_pool(1);
  prepare(*pool);
  auto strand = boost::asio::make_strand(io);
  std::atomic<bool> on_strand{false}, finished{false};
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin("app");
    boost::asio::co_spawn(
        strand,
        [&]() -> awaitable<void> {
          auto tx = co_await pool->begin("app");  // waits: the only connection is held
          on_strand = strand.running_in_this_thread();
          co_await tx.commit();
          finished = true;
        },
        boost::asio::detached);
    co_await sleep_for(100ms);
    co_await holder.commit();  // released from a coroutine that is not on the strand
  }(), 2);
  EXPECT_TRUE(finished.load());
  EXPECT_TRUE(on_strand.load());
}

// A peer that completes the TCP handshake (the kernel does, from the backlog) but never speaks.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
      throw std::runtime_error("cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  unsigned short port() const { return port_; }

 private:
  int fd_;
  unsigned short port_;
};

TEST_F(PoolTest, ServerThatNeverAnswers_HitsTheConnectTimeout) {
  SilentServer silent;
  auto o = options(2);
  o.conninfo = "postgresql://nelo@127.0.0.1:" + std::to_string(silent.port()) + "/postgres?sslmode=disable";
  o.connect_timeout = 300ms;
  auto pool = make_pool(o);
  auto start = Clock::now();
  EXPECT_THROW(run(pool->execute_as_owner("SELECT 1")), db::Unavailable);
  auto took = Clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 1500ms);
  start = Clock::now();
  EXPECT_FALSE(run(pool->ping()));
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_EQ(pool->stats().size, 0u);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(PoolTest, HostNames_AreResolvedBeforeConnecting) {
  // The cluster listens on 127.0.0.1 only: "localhost" must work whichever address comes first.
  auto o = options(1);
  o.conninfo = database.conninfo_with("host=localhost,localhost");
  auto pool = make_pool(o);
  EXPECT_EQ(run(pool->execute_as_owner("SELECT 1")).front().get<std::int32_t>(0), 1);

  auto bad = options(1);
  bad.conninfo = database.conninfo_with("host=no-such-host.invalid");
  auto unresolvable = make_pool(bad);
  EXPECT_THROW(run(unresolvable->execute_as_owner("SELECT 1")), db::Unavailable);
  EXPECT_EQ(unresolvable->stats().size, 0u);
}

TEST_F(PoolTest, IdleConnections_AreReusedNotReopened) {
  auto pool = make_pool(4);
  prepare(*pool);
  std::set<int> pids;
  for (int i = 0; i < 10; ++i) {
    pids.insert(run(pool->execute("app", "SELECT pg_backend_pid()")).front().get<std::int32_t>(0));
  }
  EXPECT_EQ(pids.size(), 1u);
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(PoolTest, AfterABurst_ConnectionsIdleLongerThanTheTimeoutAreClosed) {
  auto o = options(8);
  o.idle_timeout = 300ms;
  o.application_name = "nelo-idle-test";
  auto pool = make_pool(o);
  prepare(*pool);
  // A burst: six statements at once need six connections.
  run([&]() -> awaitable<void> {
    using namespace boost::asio::experimental::awaitable_operators;
    co_await (pool->execute("app", "SELECT pg_sleep(0.05)") && pool->execute("app", "SELECT pg_sleep(0.05)") &&
              pool->execute("app", "SELECT pg_sleep(0.05)") && pool->execute("app", "SELECT pg_sleep(0.05)") &&
              pool->execute("app", "SELECT pg_sleep(0.05)") && pool->execute("app", "SELECT pg_sleep(0.05)"));
  }());
  EXPECT_EQ(pool->stats().size, 6u);
  const auto backends = [&] {
    return database.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'nelo-idle-test' "
                          "AND datname = '" + database.name() + "'");
  };
  EXPECT_EQ(backends(), "6");

  // Quiet traffic afterwards reuses one connection; once the others have been idle past the
  // timeout, the next connection coming back closes them.
  std::this_thread::sleep_for(400ms);
  run(pool->execute("app", "SELECT 1"));
  EXPECT_EQ(pool->stats().size, 1u);
  for (int i = 0; i < 50 && backends() != "1"; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(backends(), "1") << "the server's backends went with them";
  // The pool opens what it needs again.
  run(pool->execute("app", "SELECT 1"));
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(PoolTest, ZeroIdleTimeout_KeepsIdleConnections) {
  auto o = options(4);
  o.idle_timeout = 0ms;
  auto pool = make_pool(o);
  prepare(*pool);
  run([&]() -> awaitable<void> {
    using namespace boost::asio::experimental::awaitable_operators;
    co_await (pool->execute("app", "SELECT pg_sleep(0.05)") && pool->execute("app", "SELECT pg_sleep(0.05)"));
  }());
  std::this_thread::sleep_for(50ms);
  run(pool->execute("app", "SELECT 1"));
  EXPECT_EQ(pool->stats().size, 2u);
}

}  // namespace
}  // namespace nelo::test
