// Transactions: commit, rollback, abandoned transactions, prepared statement reuse.

#include <boost/asio/awaitable.hpp>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::params;

constexpr db::MigrationFile kItems[] = {
    {"0001_items.sql",
     "CREATE TABLE app.items (id bigserial PRIMARY KEY, name text NOT NULL CONSTRAINT items_name_key UNIQUE)"}};

class TransactionTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool;
  void SetUp() override {
    pool = make_pool(1);  // one connection: every test below runs on the same backend
    migrate(*pool, {{"app", {}, kItems}});
  }
  std::int64_t count_items() {
    return run(pool->execute("app", "SELECT count(*) FROM app.items")).front().get<std::int64_t>(0);
  }
  int backend_pid() {
    return run(pool->execute("app", "SELECT pg_backend_pid()")).front().get<std::int32_t>(0);
  }
};

TEST_F(TransactionTest, Commit_PersistsTheRows) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    auto r = co_await tx.execute("INSERT INTO app.items (name) VALUES ($1), ($2)", params("a", "b"));
    EXPECT_EQ(r.affected_rows(), 2);
    co_await tx.commit();
    EXPECT_FALSE(tx.active());
  }());
  EXPECT_EQ(count_items(), 2);
  EXPECT_EQ(database.value("SELECT string_agg(name, ',' ORDER BY name) FROM app.items"), "a,b");
}

TEST_F(TransactionTest, DroppedTransaction_RollsBackAndTheConnectionIsReused) {
  int pid_before = backend_pid();
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("lost"));
    // tx goes out of scope without commit
  }());
  EXPECT_EQ(count_items(), 0);
  EXPECT_EQ(backend_pid(), pid_before) << "the abandoned connection should have been rolled back and reused";
  EXPECT_EQ(pool->stats().size, 1u);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(TransactionTest, DroppedFailedTransaction_IsRolledBackToo) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    EXPECT_THROW(co_await tx.execute("SELECT 1/0"), db::DatabaseError);
  }());
  EXPECT_EQ(count_items(), 0);
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(TransactionTest, Rollback_DiscardsTheChangesAndSkipsOnCommitHooks) {
  bool hook_ran = false;
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    tx.on_commit([&] { hook_ran = true; });
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("x"));
    co_await tx.rollback();
    EXPECT_FALSE(tx.active());
    EXPECT_THROW(co_await tx.execute("SELECT 1"), std::logic_error);
    EXPECT_THROW(co_await tx.commit(), std::logic_error);
  }());
  EXPECT_FALSE(hook_ran);
  EXPECT_EQ(count_items(), 0);
}

TEST_F(TransactionTest, OnCommitHooks_RunAfterCommitOnly) {
  int calls = 0;
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    tx.on_commit([&] { ++calls; });
    tx.on_commit([&] { ++calls; });
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("h"));
    EXPECT_EQ(calls, 0);
    co_await tx.commit();
  }());
  EXPECT_EQ(calls, 2);
}

TEST_F(TransactionTest, QueuedStatements_RunWithTheCommitInTheirOrderAfterTheOthers) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("first"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("third"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("fourth"));
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("second"));
    auto seen = co_await tx.execute("SELECT count(*) FROM app.items");
    EXPECT_EQ(seen.front().get<std::int64_t>(0), 2) << "queued statements wait for the commit";
    co_await tx.commit();
  }());
  EXPECT_EQ(database.value("SELECT string_agg(name, ',' ORDER BY id) FROM app.items"), "first,second,third,fourth");
}

TEST_F(TransactionTest, QueuedStatementsAlone_OpenAndCommitTheTransaction) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("solo"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("duo"));
    co_await tx.commit();
  }());
  EXPECT_EQ(database.value("SELECT string_agg(name, ',' ORDER BY id) FROM app.items"), "solo,duo");
}

TEST_F(TransactionTest, FailingQueuedStatement_RollsEverythingBackAndSkipsOnCommitHooks) {
  const int pid_before = backend_pid();
  bool hook_ran = false;
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    tx.on_commit([&] { hook_ran = true; });
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("taken"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("fine"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("taken"));  // unique violation
    EXPECT_THROW(co_await tx.commit(), db::UniqueViolation);
    EXPECT_FALSE(tx.active());
  }());
  EXPECT_FALSE(hook_ran);
  EXPECT_EQ(count_items(), 0) << "the statements before, beside and after the failing one are all undone";
  EXPECT_EQ(backend_pid(), pid_before) << "the connection was rolled back and reused";
}

TEST_F(TransactionTest, Rollback_DiscardsQueuedStatements) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("x"));
    tx.execute_at_commit("INSERT INTO app.items (name) VALUES ($1)", params("y"));
    co_await tx.rollback();
    EXPECT_THROW(tx.execute_at_commit("SELECT 1"), std::logic_error);
  }());
  EXPECT_EQ(count_items(), 0);
}

TEST_F(TransactionTest, CommitAfterAFailedStatement_ThrowsInsteadOfSilentlyRollingBack) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.items (name) VALUES ($1)", params("kept?"));
    EXPECT_THROW(co_await tx.execute("SELECT * FROM app.missing_table"), db::DatabaseError);
    try {
      co_await tx.execute("SELECT 1");
      ADD_FAILURE() << "a statement in an aborted transaction must fail";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "25P02");
    }
    bool threw = false;
    try {
      co_await tx.commit();
    } catch (const db::DatabaseError& e) {
      threw = true;
      EXPECT_EQ(e.sqlstate(), "25P02");
    }
    EXPECT_TRUE(threw);
  }());
  EXPECT_EQ(count_items(), 0);
}

TEST_F(TransactionTest, TransactionWithoutStatements_CommitsAndRollsBackCleanly) {
  int hooks = 0;
  run([&]() -> awaitable<void> {
    auto empty = co_await pool->begin("app");
    empty.on_commit([&] { ++hooks; });
    co_await empty.commit();
    auto other = co_await pool->begin("app");
    co_await other.rollback();
    { auto dropped = co_await pool->begin("app"); }
  }());
  EXPECT_EQ(hooks, 1);
  EXPECT_EQ(pool->stats().in_use, 0u);
  EXPECT_EQ(count_items(), 0);
}

TEST_F(TransactionTest, MovedTransaction_KeepsWorking) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    db::Transaction moved(std::move(tx));
    EXPECT_FALSE(tx.active());
    EXPECT_TRUE(moved.active());
    EXPECT_EQ(moved.module(), "app");
    co_await moved.execute("INSERT INTO app.items (name) VALUES ($1)", params("m"));
    co_await moved.commit();
  }());
  EXPECT_EQ(count_items(), 1);
}

TEST_F(TransactionTest, SameSqlTwice_IsPreparedOncePerConnection) {
  const std::string sql = "SELECT $1::int + 1 AS next";
  run([&]() -> awaitable<void> {
    for (int round = 0; round < 2; ++round) {
      auto tx = co_await pool->begin("app");
      EXPECT_EQ((co_await tx.execute(sql, params(1))).front().get<std::int32_t>("next"), 2);
      EXPECT_EQ((co_await tx.execute(sql, params(41))).front().get<std::int32_t>("next"), 42);
      auto prepared = co_await tx.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                                          params(sql));
      EXPECT_EQ(prepared.front().get<std::int64_t>(0), 1) << "round " << round;
      co_await tx.commit();
    }
  }());
}

TEST_F(TransactionTest, CachedStatement_IsPreparedAfreshAfterItsTableChanged) {
  const std::string sql = "SELECT * FROM app.items";  // the result type follows the table
  EXPECT_EQ(run(pool->execute("app", sql)).columns(), 2);
  database.exec("ALTER TABLE app.items ADD COLUMN note text");
  // PostgreSQL may refuse the stale plan once (0A000); the statement is then dropped from the cache.
  int columns = 0;
  try {
    columns = run(pool->execute("app", sql)).columns();
  } catch (const db::DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000");
    columns = run(pool->execute("app", sql)).columns();
  }
  EXPECT_EQ(columns, 3);
}

TEST_F(TransactionTest, ReadOnlyTransaction_RefusesWrites) {
  run([&]() -> awaitable<void> {
    const db::TxOptions read_only{.isolation = db::Isolation::RepeatableRead, .read_only = true};
    auto tx = co_await pool->begin("app", read_only);
    auto iso = co_await tx.execute("SELECT current_setting('transaction_isolation')");
    EXPECT_EQ(iso.front().get<std::string>(0), "repeatable read");
    try {
      co_await tx.execute("INSERT INTO app.items (name) VALUES ('ro')");
      ADD_FAILURE() << "insert in a read-only transaction succeeded";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "25006");
    }
  }());
}

TEST_F(TransactionTest, Transaction_RunsAsTheModuleRoleWithItsSettings) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    auto r = co_await tx.execute(
        "SELECT current_user::text, current_setting('statement_timeout'), current_setting('TimeZone'),"
        " current_setting('application_name')");
    auto row = r.front();
    EXPECT_EQ(row.get<std::string>(0), "nelo_app");
    EXPECT_EQ(row.get<std::string>(1), "5s");
    EXPECT_EQ(row.get<std::string>(2), "UTC");
    EXPECT_EQ(row.get<std::string>(3), "nelo-test");
    co_await tx.commit();
    // SET LOCAL ends with the transaction: the owner is back on the next use.
    auto owner = co_await pool->execute_as_owner("SELECT current_user::text, current_setting('statement_timeout')");
    EXPECT_NE(owner.front().get<std::string>(0), "nelo_app");
    EXPECT_EQ(owner.front().get<std::string>(1), "0");
  }());
}

TEST_F(TransactionTest, OwnerTransaction_HasNoRole) {
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin_as_owner();
    EXPECT_EQ(tx.module(), "");
    auto r = co_await tx.execute("SELECT current_user = session_user");
    EXPECT_TRUE(r.front().get<bool>(0));
    co_await tx.commit();
  }());
}

TEST_F(TransactionTest, InvalidModuleName_IsRejectedBeforeReachingSql) {
  EXPECT_THROW(run(pool->begin("app; DROP TABLE x")), std::invalid_argument);
  EXPECT_THROW(run(pool->begin("")), std::invalid_argument);
  EXPECT_THROW(run(pool->begin("App")), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::test
