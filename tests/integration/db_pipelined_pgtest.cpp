// Pool::execute_pipelined: short statements sharing one connection, each its own transaction.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <set>
#include <string>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::params;
using namespace std::chrono_literals;

constexpr db::MigrationFile kItems[] = {
    {"0001_items.sql", "CREATE TABLE app.items (id int PRIMARY KEY, label text NOT NULL)"}};

class PipelinedTest : public DbTest {
 protected:
  std::string app_name() const { return "nelo-pipelined-" + database.name(); }
  db::PoolOptions pipelined_options(std::size_t size, std::size_t depth) const {
    auto o = options(size);
    o.pipeline_depth = depth;
    o.application_name = app_name();
    return o;
  }
  std::shared_ptr<db::Pool> pipelined_pool(std::size_t size, std::size_t depth) {
    auto pool = make_pool(pipelined_options(size, depth));
    migrate(*pool, {{"app", {}, kItems}});
    return pool;
  }
};

TEST_F(PipelinedTest, ThreeHundredConcurrentStatements_EachGetItsOwnResult_AndOnlyTheFailingOnesFail) {
  auto pool = pipelined_pool(4, 16);
  std::atomic<int> right{0}, wrong{0}, failed_as_expected{0}, failed_otherwise{0};
  run([&]() -> awaitable<void> {
    auto executor = co_await boost::asio::this_coro::executor;
    for (int i = 0; i < 300; ++i) {
      boost::asio::co_spawn(
          executor,
          [&, pool, i]() -> awaitable<void> {
            try {
              // Every seventh divides by zero: its own error, nobody else's.
              auto r = co_await pool->execute_pipelined("app", "SELECT $1::int AS n, 10 / ($1::int % 7) AS q",
                                                        params(i));
              (r.size() == 1 && r.front().get<std::int32_t>("n") == i && i % 7 != 0) ? ++right : ++wrong;
            } catch (const db::DatabaseError& e) {
              (i % 7 == 0 && e.sqlstate() == "22012") ? ++failed_as_expected : ++failed_otherwise;
            } catch (...) {
              ++failed_otherwise;
            }
          },
          boost::asio::detached);
    }
  }(), 2);
  EXPECT_EQ(right.load(), 300 - 43);
  EXPECT_EQ(failed_as_expected.load(), 43);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(failed_otherwise.load(), 0);
  const auto stats = pool->stats();
  EXPECT_EQ(stats.in_use, 0u) << "every shared connection went back to the pool";
  EXPECT_LE(stats.size, 4u);
  // Handed back out of pipeline mode: a transaction runs on it as usual.
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.items (id, label) VALUES (1, 'after')");
    co_await tx.commit();
  }());
  EXPECT_EQ(database.value("SELECT label FROM app.items WHERE id = 1"), "after");
}

TEST_F(PipelinedTest, StatementsJoinABusySharedConnection_InsteadOfWaitingForAnother) {
  // One connection, and a short bound on waiting for it: execute() would give up (503) behind
  // the slow statement; pipelined statements queue on its connection and are answered after it.
  auto o = pipelined_options(1, 64);
  o.acquire_timeout = 100ms;
  auto pool = make_pool(o);
  migrate(*pool, {{"app", {}, kItems}});
  std::atomic<int> answered{0}, refused{0};
  std::size_t shared_while_busy = 0;
  run([&]() -> awaitable<void> {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::co_spawn(
        executor,
        [&, pool]() -> awaitable<void> {
          co_await pool->execute_pipelined("app", "SELECT pg_sleep(0.3)");
          ++answered;
        },
        boost::asio::detached);
    co_await sleep_for(50ms);  // the slow one holds the only connection now
    for (int i = 0; i < 20; ++i) {
      boost::asio::co_spawn(
          executor,
          [&, pool, i]() -> awaitable<void> {
            try {
              auto r = co_await pool->execute_pipelined("app", "SELECT $1::int", params(i));
              if (r.front().get<std::int32_t>(0) == i) ++answered;
            } catch (const db::Unavailable&) {
              ++refused;
            }
          },
          boost::asio::detached);
    }
    co_await sleep_for(50ms);
    shared_while_busy = pool->stats().shared;
  }(), 2);
  EXPECT_EQ(shared_while_busy, 1u) << "all 21 on one shared connection";
  EXPECT_EQ(pool->stats().shared, 0u) << "handed back once idle";
  EXPECT_EQ(answered.load(), 21);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(pool->stats().waits_total, 0u) << "nobody waited for a connection";
}

TEST_F(PipelinedTest, RunsAsTheModuleRole_EvenOnAConnectionLastUsedAsTheOwner) {
  auto pool = pipelined_pool(1, 16);
  EXPECT_EQ(run(pool->execute_as_owner("SELECT current_user::text")).front().get<std::string>(0),
            run(pool->execute_as_owner("SELECT session_user::text")).front().get<std::string>(0));
  EXPECT_EQ(run(pool->execute_pipelined("app", "SELECT current_user::text")).front().get<std::string>(0), "nelo_app");
  EXPECT_THROW(run(pool->execute_pipelined("app", "SELECT count(*) FROM pg_authid")), db::DatabaseError)
      << "the module role cannot read what only the owner can";
  EXPECT_EQ(run(pool->execute_pipelined("app", "SELECT current_user::text")).front().get<std::string>(0), "nelo_app");
}

TEST_F(PipelinedTest, Writes_CommitEachOnItsOwn_AndAUniqueViolationIsTyped) {
  auto pool = pipelined_pool(2, 16);
  run(pool->execute_pipelined("app", "INSERT INTO app.items (id, label) VALUES ($1, $2)", params(7, "first")));
  EXPECT_THROW(run(pool->execute_pipelined("app", "INSERT INTO app.items (id, label) VALUES ($1, $2)",
                                           params(7, "second"))),
               db::UniqueViolation);
  run(pool->execute_pipelined("app", "INSERT INTO app.items (id, label) VALUES ($1, $2)", params(8, "third")));
  EXPECT_EQ(database.value("SELECT string_agg(label, ',' ORDER BY id) FROM app.items"), "first,third");
}

TEST_F(PipelinedTest, AStatementTheServerCannotPrepare_FailsEachTimeWithItsOwnError) {
  auto pool = pipelined_pool(1, 16);
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      run(pool->execute_pipelined("app", "SELECT nope FROM app.items"));
      ADD_FAILURE() << "a missing column was accepted";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "42703") << "not a stale cached name (26000) on attempt " << attempt;
    }
  }
  EXPECT_EQ(run(pool->execute_pipelined("app", "SELECT 5")).front().get<std::int32_t>(0), 5);
}

TEST_F(PipelinedTest, AfterTheTableChanges_TheStatementIsPreparedAfresh) {
  auto pool = pipelined_pool(1, 16);
  database.exec("INSERT INTO app.items (id, label) VALUES (1, 'one')");
  const std::string select = "SELECT * FROM app.items WHERE id = $1";
  EXPECT_EQ(run(pool->execute_pipelined("app", select, params(1))).front().get<std::string>("label"), "one");
  database.exec("ALTER TABLE app.items ADD COLUMN extra text NOT NULL DEFAULT 'x'");
  std::string extra;
  for (int attempt = 0; attempt < 2 && extra.empty(); ++attempt) {
    try {
      extra = run(pool->execute_pipelined("app", select, params(1))).front().get<std::string>("extra");
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "0A000") << "only the stale plan may fail, once";
    }
  }
  EXPECT_EQ(extra, "x");
}

TEST_F(PipelinedTest, TerminatedBackend_FailsWhatWasInFlightWithUnavailable_ThenANewConnectionServes) {
  auto pool = pipelined_pool(2, 16);
  std::atomic<int> unavailable{0}, other{0};
  run([&]() -> awaitable<void> {
    auto executor = co_await boost::asio::this_coro::executor;
    for (int i = 0; i < 5; ++i) {
      boost::asio::co_spawn(
          executor,
          [&, pool]() -> awaitable<void> {
            try {
              co_await pool->execute_pipelined("app", "SELECT pg_sleep(10)");
              ++other;
            } catch (const db::Unavailable&) {
              ++unavailable;
            } catch (...) {
              ++other;
            }
          },
          boost::asio::detached);
      // The first opens the shared connection; the others queue on it behind the first.
      if (i == 0) co_await sleep_for(50ms);
    }
    co_await sleep_for(250ms);
    database.exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = '" +
                  app_name() + "'");
  }(), 2);
  EXPECT_EQ(unavailable.load(), 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(run(pool->execute_pipelined("app", "SELECT 9")).front().get<std::int32_t>(0), 9);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(PipelinedTest, Close_LetsWhatIsInFlightFinish_AndRefusesNewStatements) {
  auto pool = pipelined_pool(2, 16);
  std::atomic<int> finished{0};
  run([&]() -> awaitable<void> {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::co_spawn(
        executor,
        [&, pool]() -> awaitable<void> {
          auto r = co_await pool->execute_pipelined("app", "SELECT 4 FROM pg_sleep(0.3)");
          if (r.front().get<std::int32_t>(0) == 4) ++finished;
        },
        boost::asio::detached);
    co_await sleep_for(100ms);  // its lane is open and busy
    pool->close();
  }(), 2);
  EXPECT_EQ(finished.load(), 1);
  EXPECT_THROW(run(pool->execute_pipelined("app", "SELECT 1")), db::Unavailable)
      << "a closed pool must not hand out its lanes";
  EXPECT_EQ(pool->stats().size, 0u) << "the lane's connection was closed when handed back";
}

}  // namespace
}  // namespace nelo::test
