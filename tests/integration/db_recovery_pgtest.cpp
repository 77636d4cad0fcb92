// The pool heals itself: killed backends and a restarted server need no new pool.

#include <signal.h>

#include <boost/asio/co_spawn.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"
#include "support/fault_harness.hpp"
#include "support/pg_cluster.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using namespace std::chrono_literals;

class RecoveryTest : public DbTest {
 protected:
  std::string app_name() const { return "nelo-recovery-" + database.name(); }
  db::PoolOptions recovery_options(std::size_t size) const {
    auto o = options(size);
    o.application_name = app_name();
    return o;
  }
  // Kills every backend of our pool and waits until they are gone.
  void terminate_pool_backends() {
    database.exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = '" +
                  app_name() + "'");
  }
  std::set<std::string> backend_pids() {
    auto pids = database.column("SELECT pid::text FROM pg_stat_activity WHERE application_name = '" + app_name() + "'");
    return {pids.begin(), pids.end()};
  }
};

TEST_F(RecoveryTest, TerminatedIdleConnections_AreReplacedWithoutFailingQueries) {
  auto pool = make_pool(recovery_options(4));
  // Open all four connections by holding four transactions at once.
  run([&]() -> awaitable<void> {
    std::vector<db::Transaction> held;
    for (int i = 0; i < 4; ++i) held.push_back(co_await pool->begin_as_owner());
    for (auto& tx : held) co_await tx.commit();
  }());
  auto before = backend_pids();
  ASSERT_EQ(before.size(), 4u);
  terminate_pool_backends();
  ASSERT_TRUE(backend_pids().empty());

  std::atomic<int> ok{0}, failed{0};
  run([&]() -> awaitable<void> {
    for (int i = 0; i < 20; ++i) {
      boost::asio::co_spawn(
          io, [&]() -> awaitable<void> { co_await pool->execute_as_owner("SELECT 1"); },
          [&](std::exception_ptr e) { e ? ++failed : ++ok; });
    }
    co_return;
  }(), 2);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ok.load(), 20);
  auto after = backend_pids();
  EXPECT_FALSE(after.empty());
  for (const auto& pid : after) EXPECT_EQ(before.count(pid), 0u) << "a killed backend is still in use";
  EXPECT_LE(pool->stats().size, 4u);
}

TEST_F(RecoveryTest, TerminatedBackendDuringAQuery_FailsOnlyThatQueryWithUnavailable) {
  auto pool = make_pool(recovery_options(2));
  std::atomic<bool> unavailable{false};
  run([&]() -> awaitable<void> {
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          try {
            co_await pool->execute_as_owner("SELECT pg_sleep(10)");
          } catch (const db::Unavailable&) {
            unavailable = true;
          }
        },
        boost::asio::detached);
    co_await sleep_for(300ms);
    terminate_pool_backends();
  }(), 2);
  EXPECT_TRUE(unavailable.load());
  EXPECT_EQ(run(pool->execute_as_owner("SELECT 2")).front().get<std::int32_t>(0), 2);
  EXPECT_TRUE(run(pool->ping()));
  EXPECT_EQ(pool->stats().in_use, 0u);
  EXPECT_LE(pool->stats().size, 2u);
}

TEST_F(RecoveryTest, ConnectionLostInsideATransaction_IsDiscardedNotReused) {
  auto pool = make_pool(recovery_options(1));
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin_as_owner();
    co_await tx.execute("SELECT 1");  // the transaction is now open on the server
    terminate_pool_backends();
    bool unavailable = false;
    try {
      co_await tx.execute("SELECT 1");
    } catch (const db::Unavailable&) {
      unavailable = true;
    }
    EXPECT_TRUE(unavailable);
  }());
  EXPECT_EQ(pool->stats().size, 0u) << "the broken connection went back to the pool";
  EXPECT_EQ(run(pool->execute_as_owner("SELECT 3")).front().get<std::int32_t>(0), 3);
}

TEST_F(RecoveryTest, ReusedConnectionDyingBeforeTheFirstStatement_IsReplacedTransparently) {
  auto pool = make_pool(recovery_options(1));
  database.exec("CREATE TABLE public.recovery_marks (id int)");
  run(pool->execute_as_owner("SELECT 1"));  // the connection is now a reused one
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin_as_owner();  // checked out alive...
    terminate_pool_backends();                   // ...and killed before its first statement
    auto r = co_await tx.execute("INSERT INTO public.recovery_marks VALUES (1)");
    EXPECT_EQ(r.affected_rows(), 1);
    co_await tx.commit();
  }());
  EXPECT_EQ(database.value("SELECT count(*) FROM public.recovery_marks"), "1");
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(RecoveryTest, WaiterHandedAFreedSlotLate_StillGetsItsWholeConnectTimeout) {
  auto o = recovery_options(1);
  o.connect_timeout = 300ms;
  o.acquire_timeout = 5000ms;
  auto pool = make_pool(o);
  std::atomic<bool> waiter_ok{false};
  run([&]() -> awaitable<void> {
    auto holder = co_await pool->begin_as_owner();
    boost::asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
          auto r = co_await pool->execute_as_owner("SELECT 1");
          waiter_ok = r.front().get<std::int32_t>(0) == 1;
        },
        boost::asio::detached);
    co_await holder.execute("SELECT 1");
    co_await sleep_for(600ms);  // the waiter has now waited longer than connect_timeout
    terminate_pool_backends();
    // The held connection is dead: giving it back frees its slot, and the waiter must open a new one.
    bool unavailable = false;
    try {
      co_await holder.commit();
    } catch (const db::Unavailable&) {
      unavailable = true;
    }
    EXPECT_TRUE(unavailable);
  }(), 2);
  EXPECT_TRUE(waiter_ok.load());
}

TEST(RecoveryRestart, PoolPointedAtAStoppedServer_RecoversWhenItStarts) {
  PgCluster cluster;
  boost::asio::io_context io;
  db::PoolOptions o;
  o.conninfo = cluster.url();
  o.max_size = 2;
  o.acquire_timeout = 1000ms;
  o.connect_timeout = 1000ms;
  auto pool = db::Pool::create(io.get_executor(), o);
  EXPECT_EQ(run_async(io, pool->execute_as_owner("SELECT 1")).front().get<std::int32_t>(0), 1);

  cluster.stop();
  EXPECT_FALSE(run_async(io, pool->ping()));
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_async(io, pool->execute_as_owner("SELECT 1")), db::Unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms) << "a refused connection must fail fast";
  EXPECT_EQ(pool->stats().in_use, 0u);

  cluster.start();
  EXPECT_TRUE(run_async(io, pool->ping()));
  EXPECT_EQ(run_async(io, pool->execute_as_owner("SELECT 4")).front().get<std::int32_t>(0), 4);
  pool->close();
}

TEST(RecoveryRestart, ServerRestartedUnderAnIdlePool_NextQuerySucceeds) {
  PgCluster cluster;
  boost::asio::io_context io;
  db::PoolOptions o;
  o.conninfo = cluster.url();
  o.max_size = 2;
  auto pool = db::Pool::create(io.get_executor(), o);
  run_async(io, [&]() -> awaitable<void> {
    auto a = co_await pool->begin_as_owner();
    auto b = co_await pool->begin_as_owner();
    co_await a.commit();
    co_await b.commit();
  }());
  ASSERT_EQ(pool->stats().size, 2u);
  cluster.stop();
  cluster.start();
  EXPECT_EQ(run_async(io, pool->execute_as_owner("SELECT 5")).front().get<std::int32_t>(0), 5);
  EXPECT_EQ(run_async(io, pool->execute_as_owner("SELECT 6")).front().get<std::int32_t>(0), 6);
  pool->close();
}

// A frozen server (SIGSTOP: sockets open, nothing answers) never enforces its statement_timeout,
// so the pool must: a module statement fails by statement_timeout + answer_grace, whether it
// runs alone or pipelined, and the pool works again once the server does.
TEST(RecoveryFrozen, ServerThatStopsAnswering_FailsModuleStatementsByTheirBound_ThenThePoolRecovers) {
  PgCluster cluster;
  boost::asio::io_context io;
  db::PoolOptions o;
  o.conninfo = cluster.url();
  o.max_size = 2;
  o.statement_timeout = 500ms;
  o.answer_grace = 300ms;
  o.connect_timeout = 1000ms;
  o.acquire_timeout = 1000ms;
  auto pool = db::Pool::create(io.get_executor(), o);
  run_async(io, pool->execute_as_owner("CREATE ROLE nelo_frozen"));
  // Two connections open and idle, so that the statements below meet the frozen server on an
  // established connection (a new one would fail on connect_timeout instead).
  run_async(io, [&]() -> awaitable<void> {
    auto a = co_await pool->begin("frozen");
    auto b = co_await pool->begin("frozen");
    co_await a.execute("SELECT 1");
    co_await b.execute("SELECT 1");
    co_await a.commit();
    co_await b.commit();
  }());
  ASSERT_EQ(pool->stats().size, 2u);

  const auto processes = cluster_processes(cluster.postmaster_pid());
  signal_all(processes, SIGSTOP);
  // Whatever happens below, the server runs again after 6 s (without the bound, the statements
  // would simply wait until then).
  std::thread thaw([&] {
    std::this_thread::sleep_for(6s);
    signal_all(processes, SIGCONT);
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_async(io, pool->execute("frozen", "SELECT 2")), db::StatementTimeout);
  const auto alone = std::chrono::steady_clock::now() - start;
  start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_async(io, pool->execute_pipelined("frozen", "SELECT 3")), ServiceUnavailable);
  const auto pipelined = std::chrono::steady_clock::now() - start;
  EXPECT_LT(alone, 3s) << "the statement waited for the frozen server";
  EXPECT_LT(pipelined, 3s) << "the pipelined statement waited for the frozen server";
  EXPECT_EQ(pool->stats().in_use, 0u);
  thaw.join();

  EXPECT_EQ(run_async(io, pool->execute("frozen", "SELECT 4")).front().get<std::int32_t>(0), 4);
  EXPECT_EQ(run_async(io, pool->execute_pipelined("frozen", "SELECT 5")).front().get<std::int32_t>(0), 5);
  pool->close();
}

}  // namespace
}  // namespace nelo::test
