// SQLSTATE mapping against the real server, retries, timeouts, and value round trips.

#include <boost/asio/co_spawn.hpp>
#include <boost/json.hpp>

#include <atomic>

#include "core/db/errors.hpp"
#include "core/db/retry.hpp"
#include "core/uuid.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::params;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr db::MigrationFile kTables[] = {
    {"0001_tables.sql",
     "CREATE TABLE app.users (id int PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key UNIQUE);"
     "CREATE TABLE app.counter (id int PRIMARY KEY, n int NOT NULL);"
     "INSERT INTO app.counter VALUES (1, 0), (2, 0);"
     "CREATE TABLE app.everything (id int PRIMARY KEY, s text, i8 bigint, i4 int, d float8, b bool,"
     " t timestamptz, j jsonb, a text[], u uuid[]);"
     "CREATE TABLE app.deferred (v int, CONSTRAINT deferred_v_key UNIQUE (v) DEFERRABLE INITIALLY DEFERRED)"}};

class ErrorsTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> setup(db::PoolOptions o) {
    auto pool = make_pool(o);
    migrate(*pool, {{"app", {}, kTables}});
    return pool;
  }
  std::shared_ptr<db::Pool> setup(std::size_t size = 2) { return setup(options(size)); }
};

TEST_F(ErrorsTest, DuplicateKey_IsAUniqueViolationNamingTheConstraint) {
  auto pool = setup();
  run(pool->execute("app", "INSERT INTO app.users VALUES (1, 'a@example.com')"));
  try {
    run(pool->execute("app", "INSERT INTO app.users VALUES (2, 'a@example.com')"));
    FAIL() << "duplicate email accepted";
  } catch (const db::UniqueViolation& e) {
    EXPECT_EQ(e.constraint(), "users_email_key");
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_EQ(std::string(e.what()).find("a@example.com"), std::string::npos) << "server detail leaked";
  }
  try {
    run(pool->execute("app", "INSERT INTO app.users VALUES (1, 'b@example.com')"));
    FAIL() << "duplicate id accepted";
  } catch (const db::UniqueViolation& e) {
    EXPECT_EQ(e.constraint(), "users_pkey");
  }
  EXPECT_EQ(database.value("SELECT count(*) FROM app.users"), "1");
}

TEST_F(ErrorsTest, ViolationFoundAtCommit_FailsTheExecuteAndNothingIsKept) {
  auto pool = setup(1);
  try {
    run(pool->execute("app", "INSERT INTO app.deferred VALUES (1), (1)"));
    FAIL() << "a deferred violation passed";
  } catch (const db::UniqueViolation& e) {
    EXPECT_EQ(e.constraint(), "deferred_v_key");
  }
  EXPECT_EQ(database.value("SELECT count(*) FROM app.deferred"), "0");
  EXPECT_EQ(run(pool->execute("app", "INSERT INTO app.deferred VALUES (2)")).affected_rows(), 1);
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("app");
    co_await tx.execute("INSERT INTO app.deferred VALUES (3), (3)");
    bool unique = false;
    try {
      co_await tx.commit();
    } catch (const db::UniqueViolation&) {
      unique = true;
    }
    EXPECT_TRUE(unique);
    EXPECT_FALSE(tx.active());
  }());
  EXPECT_EQ(database.value("SELECT string_agg(v::text, ',') FROM app.deferred"), "2");
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(ErrorsTest, ConcurrentSerializableUpdate_IsRetryable) {
  auto pool = setup();
  run([&]() -> awaitable<void> {
    const db::TxOptions serializable{.isolation = db::Isolation::Serializable};
    auto first = co_await pool->begin("app", serializable);
    auto second = co_await pool->begin("app", serializable);
    co_await first.execute("SELECT n FROM app.counter WHERE id = 1");
    co_await second.execute("SELECT n FROM app.counter WHERE id = 1");
    co_await first.execute("UPDATE app.counter SET n = n + 1 WHERE id = 1");
    co_await first.commit();
    bool retryable = false;
    try {
      co_await second.execute("UPDATE app.counter SET n = n + 1 WHERE id = 1");
      co_await second.commit();
    } catch (const db::RetryableError& e) {
      retryable = true;
      EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    }
    EXPECT_TRUE(retryable);
  }());
  EXPECT_EQ(database.value("SELECT n FROM app.counter WHERE id = 1"), "1");
}

TEST_F(ErrorsTest, WithRetry_LetsTwoConflictingSerializableIncrementsBothSucceed) {
  auto pool = setup(4);
  std::atomic<int> attempts{0}, reads_in_first_round{0}, done{0};
  auto increment = [&]() -> awaitable<void> {
    auto work = [&]() -> awaitable<void> {
      int attempt = ++attempts;
      const db::TxOptions serializable{.isolation = db::Isolation::Serializable};
      auto tx = co_await pool->begin("app", serializable);
      auto n = (co_await tx.execute("SELECT n FROM app.counter WHERE id = 1")).front().get<std::int32_t>(0);
      if (attempt <= 2) {
        // Both first attempts read before either writes: a guaranteed conflict.
        ++reads_in_first_round;
        for (int i = 0; i < 200 && reads_in_first_round < 2; ++i) co_await sleep_for(5ms);
      }
      co_await tx.execute("UPDATE app.counter SET n = $1 WHERE id = 1", params(n + 1));
      co_await tx.commit();
    };
    co_await db::with_retry(work);
    ++done;
  };
  run([&]() -> awaitable<void> {
    boost::asio::co_spawn(io, increment, boost::asio::detached);
    boost::asio::co_spawn(io, increment, boost::asio::detached);
    co_return;
  }(), 2);
  EXPECT_EQ(done.load(), 2);
  EXPECT_EQ(database.value("SELECT n FROM app.counter WHERE id = 1"), "2");
  EXPECT_GT(attempts.load(), 2) << "the conflict should have forced at least one retry";
}

TEST_F(ErrorsTest, Deadlock_IsRetryable) {
  auto pool = setup(4);
  std::atomic<int> retryable{0}, committed{0};
  auto locker = [&](int first, int second) -> awaitable<void> {
    try {
      auto tx = co_await pool->begin("app");
      co_await tx.execute("UPDATE app.counter SET n = n + 1 WHERE id = $1", params(first));
      co_await sleep_for(200ms);
      co_await tx.execute("UPDATE app.counter SET n = n + 1 WHERE id = $1", params(second));
      co_await tx.commit();
      ++committed;
    } catch (const db::RetryableError&) {
      ++retryable;
    }
  };
  run([&]() -> awaitable<void> {
    boost::asio::co_spawn(io, locker(1, 2), boost::asio::detached);
    boost::asio::co_spawn(io, locker(2, 1), boost::asio::detached);
    co_return;
  }(), 2);
  EXPECT_EQ(retryable.load(), 1);
  EXPECT_EQ(committed.load(), 1);
}

TEST_F(ErrorsTest, SlowStatement_HitsTheStatementTimeoutAndTheConnectionStaysUsable) {
  auto o = options(1);
  o.statement_timeout = 200ms;
  auto pool = setup(o);
  auto start = Clock::now();
  try {
    run(pool->execute("app", "SELECT pg_sleep(3)"));
    FAIL() << "no timeout";
  } catch (const db::StatementTimeout& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
  }
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_EQ(run(pool->execute("app", "SELECT 5")).front().get<std::int32_t>(0), 5);
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(ErrorsTest, SyntaxError_IsADatabaseErrorAndIsNotCachedAsPrepared) {
  auto pool = setup(1);
  for (int i = 0; i < 2; ++i) {
    try {
      run(pool->execute("app", "SELEC 1"));
      FAIL() << "bad SQL accepted";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "42601");
      EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos);
    }
  }
  EXPECT_EQ(run(pool->execute("app", "SELECT 1")).front().get<std::int32_t>(0), 1);
  EXPECT_EQ(pool->stats().size, 1u);
}

TEST_F(ErrorsTest, AwkwardTextAndArrays_RoundTripExactly) {
  auto pool = setup(1);
  const std::string text = "it's \"quoted\" \\ back\\slash, {braces} 😀 é ü 中文 \t tab";
  const std::vector<std::string> array{"a,b", "{c}", "NULL", "", " spaced ", "q\"uote", "back\\slash", "😀"};
  auto r = run(pool->execute("app",
                             "SELECT $1::text AS t, $2::text[] AS a, array_length($2::text[], 1) AS n,"
                             " ($2::text[])[3] IS NULL AS third_is_null, $1::text = $3::text AS same",
                             params(text, array, text)));
  auto row = r.front();
  EXPECT_EQ(row.get<std::string>("t"), text);
  EXPECT_EQ(row.get<std::vector<std::string>>("a"), array);
  EXPECT_EQ(row.get<std::int32_t>("n"), static_cast<std::int32_t>(array.size()));
  EXPECT_FALSE(row.get<bool>("third_is_null")) << "the string NULL must stay a string";
  EXPECT_TRUE(row.get<bool>("same"));
  auto empty = run(pool->execute("app", "SELECT $1::text[] AS a, cardinality($1::text[]) AS n",
                                 params(std::vector<std::string>{})));
  EXPECT_TRUE(empty.front().get<std::vector<std::string>>("a").empty());
  EXPECT_EQ(empty.front().get<std::int32_t>("n"), 0);
}

TEST_F(ErrorsTest, EveryTypedGetter_ReadsWhatWasWrittenAndNullsAreEmpty) {
  auto pool = setup(1);
  Timestamp t = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  boost::json::object j{{"k", "v"}, {"n", 1}, {"list", boost::json::array{1, 2}}};
  std::vector<std::string> ids{new_uuid(), new_uuid_v7()};
  run(pool->execute("app",
                    "INSERT INTO app.everything VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9), (2, NULL, NULL, NULL,"
                    " NULL, NULL, NULL, NULL, NULL, NULL)",
                    params(std::string("s"), std::int64_t{-9007199254740993}, std::int32_t{2147483647}, 0.1, true, t,
                           j, std::vector<std::string>{"x", "y"}, ids)));
  auto r = run(pool->execute("app", "SELECT s, i8, i4, d, b, t, j, a, u FROM app.everything ORDER BY id"));
  ASSERT_EQ(r.size(), 2);
  auto full = r[0];
  EXPECT_EQ(full.get<std::string>("s"), "s");
  EXPECT_EQ(full.get<std::int64_t>("i8"), -9007199254740993);
  EXPECT_EQ(full.get<std::int32_t>("i4"), 2147483647);
  EXPECT_EQ(full.get<double>("d"), 0.1);
  EXPECT_TRUE(full.get<bool>("b"));
  EXPECT_EQ(full.get<Timestamp>("t"), t);
  EXPECT_EQ(full.get<boost::json::value>("j"), boost::json::value(j));
  EXPECT_EQ(full.get<std::vector<std::string>>("a"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(full.get<std::vector<std::string>>("u"), ids);
  auto nulls = r[1];
  for (const char* c : {"s", "i8", "i4", "d", "b", "t", "j", "a", "u"}) EXPECT_TRUE(nulls.is_null(c)) << c;
  EXPECT_EQ(nulls.get<std::optional<std::string>>("s"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<std::int64_t>>("i8"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<std::int32_t>>("i4"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<double>>("d"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<bool>>("b"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<Timestamp>>("t"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<boost::json::value>>("j"), std::nullopt);
  EXPECT_EQ(nulls.get<std::optional<std::vector<std::string>>>("a"), std::nullopt);
  EXPECT_THROW(nulls.get<std::string>("s"), std::logic_error);
  EXPECT_EQ(full.get<std::optional<std::int32_t>>("i4"), 2147483647);
}

TEST_F(ErrorsTest, NullParameters_AreSqlNull) {
  auto pool = setup(1);
  auto r = run(pool->execute("app", "SELECT $1::text IS NULL, $2::int IS NULL, $3::text",
                             params(std::nullopt, std::optional<std::int32_t>{}, std::optional<std::string>{"x"})));
  EXPECT_TRUE(r.front().get<bool>(0));
  EXPECT_TRUE(r.front().get<bool>(1));
  EXPECT_EQ(r.front().get<std::string>(2), "x");
}

TEST_F(ErrorsTest, Timestamps_ComeBackInUtcWithMicroseconds) {
  auto pool = setup(1);
  auto r = run(pool->execute("app",
                             "SELECT '2026-11-25 15:38:53.123456+02'::timestamptz AS t,"
                             " $1::timestamptz = '2026-11-25T13:38:53.123456Z'::timestamptz AS eq",
                             params(*parse_timestamp("2026-11-25T13:38:53.123456Z"))));
  EXPECT_EQ(to_rfc3339(r.front().get<Timestamp>("t")), "2026-11-25T13:38:53.123456Z");
  EXPECT_TRUE(r.front().get<bool>("eq"));
}

TEST_F(ErrorsTest, AffectedRows_CountsUpdatedRows) {
  auto pool = setup(1);
  auto r = run(pool->execute("app", "UPDATE app.counter SET n = n + 1"));
  EXPECT_EQ(r.affected_rows(), 2);
  EXPECT_EQ(run(pool->execute("app", "DELETE FROM app.counter WHERE id = 99")).affected_rows(), 0);
}

}  // namespace
}  // namespace nelo::test
