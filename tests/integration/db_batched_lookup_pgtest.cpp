// db::BatchedLookup: concurrent reads of one row by key share statements, and each gets its row.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <stdexcept>
#include <string>

#include "core/db/batched_lookup.hpp"
#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;

constexpr db::MigrationFile kItems[] = {
    {"0001_items.sql",
     "CREATE TABLE app.items (id text PRIMARY KEY, label text NOT NULL);"
     " INSERT INTO app.items SELECT 'k' || n, 'label ' || n FROM generate_series(1, 50) AS n"}};

constexpr const char* kSelect = "SELECT id, label FROM app.items WHERE id = ANY($1::text[])";

class BatchedLookupTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> items_pool() {
    auto pool = make_pool(4);
    migrate(*pool, {{"app", {}, kItems}});
    return pool;
  }

  // Starts `count` lookups at once (key "k<i % modulo + 1>", or a missing key every `missing`th)
  // and counts the right and wrong answers.
  struct Tally {
    std::atomic<int> right{0}, wrong{0}, failed{0};
  };
  void look_up_at_once(db::BatchedLookup& lookup, int count, int modulo, int missing, Tally& tally) {
    run([&]() -> awaitable<void> {
      auto executor = co_await boost::asio::this_coro::executor;
      for (int i = 0; i < count; ++i) {
        boost::asio::co_spawn(
            executor,
            [&, i]() -> awaitable<void> {
              const bool absent = missing > 0 && i % missing == 0;
              const std::string key = absent ? "nobody-" + std::to_string(i) : "k" + std::to_string(i % modulo + 1);
              try {
                auto found = co_await lookup.find(key);
                const bool ok = absent ? !found.has_value()
                                       : found && found->row().get<std::string>("id") == key &&
                                             found->row().get<std::string>("label") ==
                                                 "label " + std::to_string(i % modulo + 1);
                ok ? ++tally.right : ++tally.wrong;
              } catch (...) {
                ++tally.failed;
              }
            },
            boost::asio::detached);
      }
    }(), 2);
  }
};

TEST_F(BatchedLookupTest, ConcurrentLookups_ShareStatements_AndEachGetsItsOwnRow) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedLookup lookup(app, io.get_executor(), kSelect, "id", {.max_batch = 64, .max_in_flight = 2});
  Tally tally;
  // 400 lookups of 50 keys (so a batch often asks for one key twice), one in nine missing.
  look_up_at_once(lookup, 400, 50, 9, tally);
  EXPECT_EQ(tally.right.load(), 400);
  EXPECT_EQ(tally.wrong.load(), 0);
  EXPECT_EQ(tally.failed.load(), 0);
  const auto stats = lookup.stats();
  EXPECT_EQ(stats.lookups, 400u);
  EXPECT_LE(stats.statements, 400u / 4) << "lookups asked for at once go out together";
  EXPECT_GE(stats.statements, 400u / 64);
}

TEST_F(BatchedLookupTest, ABatchNeverExceedsItsSize) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedLookup lookup(app, io.get_executor(), kSelect, "id", {.max_batch = 3, .max_in_flight = 1});
  Tally tally;
  look_up_at_once(lookup, 30, 50, 0, tally);
  EXPECT_EQ(tally.right.load(), 30);
  EXPECT_GE(lookup.stats().statements, 10u);
}

TEST_F(BatchedLookupTest, ALoneLookup_GoesOutAtOnce_InAStatementOfItsOwn) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedLookup lookup(app, io.get_executor(), kSelect, "id");
  for (int i = 1; i <= 3; ++i) {
    auto found = run(lookup.find("k" + std::to_string(i)));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->row().get<std::string>("label"), "label " + std::to_string(i));
  }
  EXPECT_FALSE(run(lookup.find("k51")).has_value());
  EXPECT_EQ(lookup.stats().statements, 4u);
  EXPECT_EQ(lookup.stats().lookups, 4u);
}

TEST_F(BatchedLookupTest, FindUuid_ReadsAnySpellingOfAUuid_AndNeverSendsAnythingElse) {
  auto pool = make_pool(4);
  constexpr db::MigrationFile kThings[] = {
      {"0001_things.sql",
       "CREATE TABLE app.things (id uuid PRIMARY KEY, label text NOT NULL);"
       " INSERT INTO app.things VALUES ('0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', 'the thing')"}};
  migrate(*pool, {{"app", {}, kThings}});
  db::ModuleDb app(*pool, "app");
  db::BatchedLookup lookup(app, io.get_executor(), "SELECT id, label FROM app.things WHERE id = ANY($1::uuid[])",
                           "id");
  auto found = run(lookup.find_uuid("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B"));
  ASSERT_TRUE(found.has_value()) << "the key goes in as the key column comes back: lowercase";
  EXPECT_EQ(found->row().get<std::string>("label"), "the thing");
  EXPECT_FALSE(run(lookup.find_uuid("0190a1b2-c3d4-7e5f-8a6b-000000000000")).has_value());
  // Not a UUID: nothing is sent, so no batch fails for it.
  EXPECT_FALSE(run(lookup.find_uuid("not-a-uuid")).has_value());
  EXPECT_FALSE(run(lookup.find_uuid("")).has_value());
  EXPECT_EQ(lookup.stats().lookups, 2u);
  EXPECT_EQ(lookup.stats().statements, 2u);
}

TEST_F(BatchedLookupTest, AFailedStatement_FailsEveryLookupOfItsBatch_AndTheNextBatchesRunAgain) {
  auto pool = items_pool();
  db::ModuleDb app(*pool, "app");
  db::BatchedLookup broken(app, io.get_executor(), "SELECT id FROM app.no_such_table WHERE id = ANY($1)",
                           "id");
  Tally tally;
  look_up_at_once(broken, 20, 50, 0, tally);
  EXPECT_EQ(tally.failed.load(), 20);
  EXPECT_EQ(tally.right.load() + tally.wrong.load(), 0);

  db::BatchedLookup by_length(app, io.get_executor(),
                              "SELECT id, label FROM app.items WHERE length(id) = ANY($1::int[])", "id");
  EXPECT_THROW(run(by_length.find("two")), db::DatabaseError)
      << "a key the statement cannot cast fails its batch: callers validate keys";

  db::BatchedLookup without_key(app, io.get_executor(),
                                "SELECT label FROM app.items WHERE id = ANY($1::text[])", "id");
  EXPECT_THROW(run(without_key.find("k1")), std::logic_error) << "a statement must return its key column";

  db::BatchedLookup lookup(app, io.get_executor(), kSelect, "id");
  Tally after;
  look_up_at_once(lookup, 20, 50, 0, after);
  EXPECT_EQ(after.right.load(), 20) << "a failed batch leaves nothing behind";
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(BatchedLookupTest, RefusesAnEmptyBatchOrNoStatementInFlight) {
  auto pool = make_pool(1);
  db::ModuleDb app(*pool, "app");
  EXPECT_THROW(db::BatchedLookup(app, io.get_executor(), kSelect, "id", {.max_batch = 0}),
               std::invalid_argument);
  EXPECT_THROW(db::BatchedLookup(app, io.get_executor(), kSelect, "id", {.max_in_flight = 0}),
               std::invalid_argument);
}

}  // namespace
}  // namespace nelo::test
