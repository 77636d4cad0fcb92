// Connection::execute_batch on its own: which statements its prepared-statement cache keeps when
// a statement of the batch fails (the pool's tests see only one statement per batch of theirs).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "core/db/connection.hpp"
#include "core/db/errors.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::detail::Connection;

class ConnectionTest : public DbTest {
 protected:
  awaitable<std::unique_ptr<Connection>> open() {
    co_return co_await Connection::open(co_await boost::asio::this_coro::executor,
                                        {database.conninfo(), "nelo-connection-test"},
                                        std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
};

TEST_F(ConnectionTest, AStatementAfterAFailingOne_IsNotRunNorCached_AndItsNextUsePreparesIt) {
  run([&]() -> awaitable<void> {
    auto connection = co_await open();
    const auto zero = db::params(0);
    const std::vector<Connection::Statement> batch{{"SELECT 1 / $1::int", &zero}, {"SELECT 2 AS two"}};
    try {
      co_await connection->execute_batch(batch);
      ADD_FAILURE() << "division by zero accepted";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), "22012");
    }
    EXPECT_TRUE(connection->usable());
    EXPECT_EQ(connection->prepared_count(), 1u) << "the second Prepare was skipped: it must not be cached";
    const db::Params none;
    auto two = co_await connection->execute_prepared("SELECT 2 AS two", none);
    EXPECT_EQ(two.front().get<std::int32_t>("two"), 2) << "prepared afresh, not executed under a name never made";
    EXPECT_EQ(connection->prepared_count(), 2u);
  }());
}

TEST_F(ConnectionTest, TheSameNewStatementTwiceInABatch_IsPreparedOnce_AndEachGetsItsOwnResult) {
  run([&]() -> awaitable<void> {
    auto connection = co_await open();
    const auto one = db::params(1);
    const auto two = db::params(2);
    const std::vector<Connection::Statement> batch{
        {"SELECT $1::int * 10 AS n", &one}, {"SELECT $1::int * 10 AS n", &two}, {"SELECT 'x' AS s"}};
    auto results = co_await connection->execute_batch(batch);
    EXPECT_EQ(results.size(), 3u);
    if (results.size() != 3) co_return;
    EXPECT_EQ(results[0].front().get<std::int32_t>("n"), 10);
    EXPECT_EQ(results[1].front().get<std::int32_t>("n"), 20);
    EXPECT_EQ(results[2].front().get<std::string>("s"), "x");
    EXPECT_EQ(connection->prepared_count(), 2u);
    auto again = co_await connection->execute_batch(batch);  // all cached now: Executes only
    EXPECT_EQ(again[1].front().get<std::int32_t>("n"), 20);
    EXPECT_EQ(connection->prepared_count(), 2u);
  }());
}

TEST_F(ConnectionTest, AStatementTheServerCannotPrepare_IsNotCached_AndTheConnectionStaysUsable) {
  run([&]() -> awaitable<void> {
    auto connection = co_await open();
    const std::vector<Connection::Statement> batch{{"SELECT 1 AS one"}, {"SELEC 2"}};
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        co_await connection->execute_batch(batch);
        ADD_FAILURE() << "bad SQL accepted";
      } catch (const db::DatabaseError& e) {
        EXPECT_EQ(e.sqlstate(), "42601") << "attempt " << attempt;
      }
      EXPECT_EQ(connection->prepared_count(), 1u) << "only the statement the server accepted is cached";
    }
    EXPECT_TRUE(connection->usable());
  }());
}

}  // namespace
}  // namespace nelo::test
