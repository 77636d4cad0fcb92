// db::GroupCommit: transactions ready at once commit together, their row statements merged, and
// each still commits whole or not at all, with its own verdict.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/db/errors.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/module_db.hpp"
#include "core/metrics/registry.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;

constexpr db::MigrationFile kThings[] = {
    {"0001_things.sql",
     "CREATE TABLE app.things (seq bigserial, id text PRIMARY KEY, tx integer NOT NULL,"
     "                         i integer NOT NULL CHECK (i >= 0));"
     " CREATE TABLE app.commits (n integer NOT NULL);"
     " INSERT INTO app.commits VALUES (0);"
     " INSERT INTO app.things (id, tx, i) VALUES ('taken', -1, 0)"}};

// A row statement: its rows get their seq in the order given.
constexpr const char* kInsertThings =
    "INSERT INTO app.things (id, tx, i)"
    " SELECT r.id, r.tx, r.i FROM unnest($1::text[], $2::integer[], $3::integer[]) WITH ORDINALITY AS r (id, tx, i, n)"
    " ORDER BY r.n";
// A plain statement queued for the commit, run once per transaction.
constexpr const char* kCountCommit = "UPDATE app.commits SET n = n + 1";

class GroupCommitTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> things_pool() {
    auto pool = make_pool(4);
    migrate(*pool, {{"app", {}, kThings}});
    return pool;
  }

  // Transaction `tx` of a group: `rows` things named "<tx>.<i>" (or `id_of(tx, i)`), then the
  // counter.
  static void queue(db::CommitWriter& t, int tx, int rows, const std::function<std::string(int, int)>& id_of = {}) {
    for (int i = 0; i < rows; ++i) {
      const std::string id = id_of ? id_of(tx, i) : std::to_string(tx) + "." + std::to_string(i);
      t.execute_rows_at_commit(kInsertThings, db::row(id, tx, i));
    }
    t.execute_at_commit(kCountCommit);
  }

  struct Tally {
    std::atomic<int> committed{0}, refused{0}, unavailable{0}, other{0}, hooks{0};
    std::map<int, std::string> errors;  // by tx, written on the test's two threads: under mutex
    std::mutex mutex;
  };

  // Commits `count` transactions at once, each queued by `fill(tx, i)`.
  void commit_at_once(db::GroupCommit& group, int count, const std::function<void(db::CommitWriter&, int)>& fill,
                      Tally& tally) {
    run([&]() -> awaitable<void> {
      auto executor = co_await boost::asio::this_coro::executor;
      for (int n = 0; n < count; ++n) {
        boost::asio::co_spawn(
            executor,
            [&, n]() -> awaitable<void> {
              auto t = group.begin();
              fill(t, n);
              t.on_commit([&tally] { ++tally.hooks; });
              try {
                co_await t.commit();
                ++tally.committed;
              } catch (const db::UniqueViolation& e) {
                ++tally.refused;
                std::lock_guard lock(tally.mutex);
                tally.errors[n] = e.constraint();
              } catch (const db::Unavailable&) {
                ++tally.unavailable;
              } catch (const std::exception& e) {
                ++tally.other;
                std::lock_guard lock(tally.mutex);
                tally.errors[n] = e.what();
              }
            },
            boost::asio::detached);
      }
    }(), 2);
  }

  std::int64_t value(db::Pool& pool, const std::string& sql) {
    auto result = run(pool.execute_as_owner(sql, {}));
    return std::stoll(std::string(result.front().text(0)));
  }
};

TEST_F(GroupCommitTest, ConcurrentTransactions_CommitInGroups_AndEveryRowIsWritten) {
  auto pool = things_pool();
  db::ModuleDb app(*pool, "app");
  metrics::Registry registry;
  db::GroupCommit group(app, io.get_executor(), {.max_group = 32, .max_in_flight = 2, .name = "things"},
                        &registry);
  Tally tally;
  commit_at_once(group, 200, [](db::CommitWriter& t, int n) { queue(t, n, 3); }, tally);
  EXPECT_EQ(tally.committed.load(), 200) << tally.other.load() << " failed";
  EXPECT_EQ(tally.hooks.load(), 200);
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE tx >= 0"), 600);
  EXPECT_EQ(value(*pool, "SELECT n FROM app.commits"), 200) << "a plain statement runs once per transaction";

  const auto stats = group.stats();
  EXPECT_EQ(stats.transactions, 200u);
  EXPECT_EQ(stats.fallbacks, 0u);
  EXPECT_LE(stats.groups, 200u / 4) << "transactions ready at once go together";
  EXPECT_GE(stats.groups, 200u / 32) << "a group never exceeds max_group";
  const std::string text = registry.render();
  EXPECT_NE(text.find("nelo_db_group_commit_transactions_total{group=\"things\"} 200"), std::string::npos) << text;
  EXPECT_NE(text.find("nelo_db_group_commit_groups_total{group=\"things\"} " + std::to_string(stats.groups)),
            std::string::npos)
      << text;

  // Merged statements keep each transaction's rows in the order it queued them.
  EXPECT_EQ(value(*pool,
                  "SELECT count(*) FROM (SELECT tx, i, row_number() OVER (PARTITION BY tx ORDER BY seq) - 1 AS k"
                  "                      FROM app.things WHERE tx >= 0) x WHERE k <> i"),
            0);
}

TEST_F(GroupCommitTest, ARefusedTransaction_DoesNotSinkItsGroup_AndGetsItsOwnError) {
  auto pool = things_pool();
  db::ModuleDb app(*pool, "app");
  db::GroupCommit group(app, io.get_executor(), {.max_group = 32, .max_in_flight = 1});
  Tally tally;
  // One in ten takes an id already in the table; one in thirteen breaks the CHECK.
  commit_at_once(group, 100,
                 [](db::CommitWriter& t, int n) {
                   queue(t, n, 2, [](int tx, int i) {
                     return tx % 10 == 0 && i == 1 ? std::string("taken") : std::to_string(tx) + "." + std::to_string(i);
                   });
                   if (n % 13 == 5) t.execute_rows_at_commit(kInsertThings, db::row("bad." + std::to_string(n), n, -1));
                 },
                 tally);
  // tx 0..99: 10 take "taken"; 5, 18, 31, 44, 57, 70, 83, 96 break the check (70 also takes "taken").
  EXPECT_EQ(tally.refused.load(), 10);
  EXPECT_EQ(tally.other.load(), 7) << "the CHECK's refusals";
  EXPECT_EQ(tally.committed.load(), 83);
  EXPECT_EQ(tally.hooks.load(), 83) << "hooks run only for what committed";
  for (const auto& [tx, error] : tally.errors) {
    if (tx % 10 == 0) {
      EXPECT_EQ(error, "things_pkey") << tx;
    } else {
      EXPECT_EQ(tx % 13, 5) << tx << ": " << error;
    }
  }
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE tx >= 0"), 83 * 2);
  EXPECT_EQ(value(*pool, "SELECT n FROM app.commits"), 83) << "a refused transaction leaves nothing, not even half";
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE tx % 10 = 0 AND tx >= 0"), 0);
  EXPECT_GE(group.stats().fallbacks, 1u);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(GroupCommitTest, TwoTransactionsOfOneGroupWritingOneKey_OneCommits) {
  auto pool = things_pool();
  db::ModuleDb app(*pool, "app");
  db::GroupCommit group(app, io.get_executor(), {.max_group = 64, .max_in_flight = 1});
  Tally tally;
  commit_at_once(group, 40, [](db::CommitWriter& t, int n) { queue(t, n, 1, [](int, int) { return "same"; }); },
                 tally);
  EXPECT_EQ(tally.committed.load(), 1);
  EXPECT_EQ(tally.refused.load(), 39);
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE id = 'same'"), 1);
  EXPECT_EQ(value(*pool, "SELECT n FROM app.commits"), 1);
}

TEST_F(GroupCommitTest, ALoneTransaction_CommitsAtOnce_AndOnlyQueues) {
  auto pool = things_pool();
  db::ModuleDb app(*pool, "app");
  db::GroupCommit group(app, io.get_executor());
  auto t = group.begin();
  EXPECT_TRUE(t.active());
  queue(t, 7, 2);
  run(t.commit());
  EXPECT_FALSE(t.active());
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE tx = 7"), 2);
  EXPECT_EQ(group.stats().groups, 1u);

  // Rolled back: nothing sent. Empty: committed without the database, its hooks run.
  auto dropped = group.begin();
  queue(dropped, 8, 1);
  dropped.rollback();
  bool hooked = false;
  auto empty = group.begin();
  empty.on_commit([&] { hooked = true; });
  run(empty.commit());
  EXPECT_TRUE(hooked);
  EXPECT_EQ(value(*pool, "SELECT count(*) FROM app.things WHERE tx = 8"), 0);
  EXPECT_EQ(group.stats().groups, 1u);
}

TEST_F(GroupCommitTest, AnUnreachableDatabase_FailsEveryTransactionOfTheGroup_WithoutRetrying) {
  auto o = options(2);
  o.conninfo = "postgresql://nelo@127.0.0.1:1/nowhere";
  o.connect_timeout = std::chrono::milliseconds(500);
  o.acquire_timeout = std::chrono::milliseconds(500);
  auto pool = make_pool(o);
  db::ModuleDb app(*pool, "app");
  db::GroupCommit group(app, io.get_executor(), {.max_group = 8, .max_in_flight = 1});
  Tally tally;
  commit_at_once(group, 12, [](db::CommitWriter& t, int n) { queue(t, n, 1); }, tally);
  EXPECT_EQ(tally.unavailable.load(), 12);
  EXPECT_EQ(tally.hooks.load(), 0);
  EXPECT_EQ(group.stats().fallbacks, 0u);
}

TEST_F(GroupCommitTest, RefusesAnEmptyGroupOrNoGroupInFlight) {
  auto pool = make_pool(1);
  db::ModuleDb app(*pool, "app");
  EXPECT_THROW(db::GroupCommit(app, io.get_executor(), {.max_group = 0}), std::invalid_argument);
  EXPECT_THROW(db::GroupCommit(app, io.get_executor(), {.max_in_flight = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::test
