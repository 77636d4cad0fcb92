// db::BatchedWrite: concurrent single-row writes share statements, each gets its own row back,
// and a row PostgreSQL refuses fails only its own writer.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/db/batched_write.hpp"
#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"
#include "core/db/row_statement.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;

constexpr db::MigrationFile kItems[] = {
    {"0001_items.sql", "CREATE TABLE app.items (id text PRIMARY KEY, label text NOT NULL CHECK (label <> 'bad'))"}};

// Inserts the rows whose id is new; returns those it inserted.
constexpr const char* kInsert =
    "INSERT INTO app.items (id, label) SELECT * FROM unnest($1::text[], $2::text[])"
    " ON CONFLICT (id) DO NOTHING RETURNING id, label";

class BatchedWriteTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> items_pool() {
    auto pool = make_pool(4);
    migrate(*pool, {{"app", {}, kItems}});
    return pool;
  }

  struct Tally {
    std::atomic<int> written{0}, not_written{0}, wrong{0}, failed{0};
  };
  // Starts every write at once: writes[i] = {id, label}.
  void write_at_once(db::BatchedWrite& write, const std::vector<std::pair<std::string, std::string>>& writes,
                     Tally& tally) {
    run([&]() -> awaitable<void> {
      auto executor = co_await boost::asio::this_coro::executor;
      for (const auto& [id, label] : writes) {
        boost::asio::co_spawn(
            executor,
            [&write, &tally, id, label]() -> awaitable<void> {
              try {
                auto row = co_await write.write(id, db::row(id, label));
                if (!row) {
                  ++tally.not_written;
                } else if (row->row().get<std::string>("id") == id && row->row().get<std::string>("label") == label) {
                  ++tally.written;
                } else {
                  ++tally.wrong;
                }
              } catch (const db::DatabaseError&) {
                ++tally.failed;
              }
            },
            boost::asio::detached);
      }
    }(), 2);
  }

  long long count_items(db::Pool& pool, const std::string& where = "true") {
    return run(pool.execute("app", "SELECT count(*) FROM app.items WHERE " + where)).front().get<std::int64_t>(0);
  }
};

TEST_F(BatchedWriteTest, ConcurrentWrites_ShareStatements_AndEachGetsItsOwnRow) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedWrite write(app, io.get_executor(), kInsert, "id", {.max_batch = 32, .max_in_flight = 2});
  std::vector<std::pair<std::string, std::string>> writes;
  for (int i = 0; i < 300; ++i) writes.emplace_back("k" + std::to_string(i), "label " + std::to_string(i));
  Tally tally;
  write_at_once(write, writes, tally);
  EXPECT_EQ(tally.written.load(), 300);
  EXPECT_EQ(tally.wrong.load() + tally.not_written.load() + tally.failed.load(), 0);
  EXPECT_EQ(count_items(*pool), 300);
  const auto stats = write.stats();
  EXPECT_EQ(stats.writes, 300u);
  EXPECT_LE(stats.statements, 300u / 4) << "rows written at once go out together";
  EXPECT_GE(stats.statements, 300u / 32) << "never more than max_batch rows in a statement";
  EXPECT_EQ(stats.fallbacks, 0u);
}

TEST_F(BatchedWriteTest, WritesOfOneKey_NeverShareAStatement_SoOnlyTheFirstInserts) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedWrite write(app, io.get_executor(), kInsert, "id");
  // Without the rule, the twenty rows of one key would all see the row the first one inserted.
  std::vector<std::pair<std::string, std::string>> writes(20, {"same", "the label"});
  writes.emplace_back("other", "another label");
  Tally tally;
  write_at_once(write, writes, tally);
  EXPECT_EQ(tally.written.load(), 2);
  EXPECT_EQ(tally.not_written.load(), 19);
  EXPECT_EQ(tally.failed.load() + tally.wrong.load(), 0);
  EXPECT_EQ(count_items(*pool), 2);
}

TEST_F(BatchedWriteTest, ARefusedRow_FailsOnlyItsOwnWriter_AndTheOthersAreWritten) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedWrite write(app, io.get_executor(), kInsert, "id", {.max_batch = 64, .max_in_flight = 1});
  std::vector<std::pair<std::string, std::string>> writes;
  for (int i = 0; i < 40; ++i) writes.emplace_back("k" + std::to_string(i), i % 10 == 3 ? "bad" : "good");
  Tally tally;
  write_at_once(write, writes, tally);
  EXPECT_EQ(tally.failed.load(), 4) << "the check refuses exactly the four bad rows";
  EXPECT_EQ(tally.written.load(), 36);
  EXPECT_EQ(count_items(*pool), 36);
  EXPECT_EQ(count_items(*pool, "label = 'bad'"), 0);
  EXPECT_GE(write.stats().fallbacks, 1u);
  EXPECT_EQ(write.stats().writes, 40u);
}

TEST_F(BatchedWriteTest, ALoneWrite_GoesOutAtOnce_AndAnExistingKeyReturnsNothing) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedWrite write(app, io.get_executor(), kInsert, "id");
  auto first = run(write.write("k1", db::row(std::string("k1"), std::string("one"))));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->row().get<std::string>("label"), "one");
  EXPECT_FALSE(run(write.write("k1", db::row(std::string("k1"), std::string("again")))).has_value());
  EXPECT_THROW(run(write.write("k2", db::row(std::string("k2"), std::string("bad")))), db::DatabaseError);
  EXPECT_EQ(write.stats().statements, 3u);
  EXPECT_EQ(write.stats().fallbacks, 0u);
  EXPECT_EQ(count_items(*pool), 1);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(BatchedWriteTest, AStatementWithoutItsKeyColumn_FailsItsWriters) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedWrite write(app, io.get_executor(),
                         "INSERT INTO app.items (id, label) SELECT * FROM unnest($1::text[], $2::text[]) RETURNING label",
                         "id");
  EXPECT_THROW(run(write.write("k1", db::row(std::string("k1"), std::string("one")))), std::logic_error);
}

}  // namespace
}  // namespace nelo::test
