// Migrations: applied once, in order, as the module role, verified by checksum, serialised.

#include <boost/asio/co_spawn.hpp>

#include <unistd.h>

#include <atomic>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::MigrationFile;
using db::params;

class MigratorTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool;
  void SetUp() override { pool = make_pool(2); }

  bool up_to_date(const std::vector<db::SchemaMigrations>& s) {
    db::Migrator m(*pool);
    return run(m.up_to_date(s));
  }
  std::string sha256(const std::string& text) {
    return run(pool->execute_as_owner("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", params(text)))
        .front()
        .get<std::string>(0);
  }
  std::vector<std::string> applied(const std::string& schema) {
    return database.column("SELECT name FROM \"" + schema + "\".schema_migrations ORDER BY name");
  }
};

constexpr MigrationFile kV1[] = {
    {"0001_create.sql", "CREATE TABLE shop.items (id int PRIMARY KEY);"},
    {"0002_column.sql", "ALTER TABLE shop.items ADD COLUMN name text NOT NULL DEFAULT 'é';"}};

TEST_F(MigratorTest, FreshDatabase_AppliesEveryFileAndRecordsItsChecksum) {
  EXPECT_FALSE(up_to_date({{"shop", {}, kV1}}));
  auto report = migrate(*pool, {{"shop", {}, kV1}});
  ASSERT_EQ(report.entries.size(), 2u);
  EXPECT_EQ(report.entries[0].schema, "shop");
  EXPECT_EQ(report.entries[0].name, "0001_create.sql");
  EXPECT_TRUE(report.entries[0].applied_now);
  EXPECT_EQ(report.entries[1].name, "0002_column.sql");
  EXPECT_TRUE(report.entries[1].applied_now);
  EXPECT_EQ(database.value("SELECT checksum FROM shop.schema_migrations WHERE name = '0001_create.sql'"),
            sha256(std::string(kV1[0].sql)));
  EXPECT_EQ(database.value("SELECT checksum FROM shop.schema_migrations WHERE name = '0002_column.sql'"),
            sha256(std::string(kV1[1].sql)));
  EXPECT_EQ(database.value("SELECT count(*) FROM shop.schema_migrations WHERE applied_at > now() - interval '1 minute'"),
            "2");
  EXPECT_TRUE(up_to_date({{"shop", {}, kV1}}));
}

TEST_F(MigratorTest, SecondRun_AppliesNothing) {
  migrate(*pool, {{"shop", {}, kV1}});
  auto report = migrate(*pool, {{"shop", {}, kV1}});
  ASSERT_EQ(report.entries.size(), 2u);
  for (const auto& e : report.entries) EXPECT_FALSE(e.applied_now) << e.name;
  EXPECT_EQ(applied("shop").size(), 2u);
}

TEST_F(MigratorTest, FilesAreAppliedInNameOrderWhateverTheirOrderInTheList) {
  constexpr MigrationFile shuffled[] = {kV1[1], kV1[0]};
  auto report = migrate(*pool, {{"shop", {}, shuffled}});
  ASSERT_EQ(report.entries.size(), 2u);
  EXPECT_EQ(report.entries[0].name, "0001_create.sql");
}

TEST_F(MigratorTest, ChangedAppliedFile_StopsStartupNamingFileAndChecksums) {
  migrate(*pool, {{"shop", {}, kV1}});
  constexpr MigrationFile changed[] = {{"0001_create.sql", "CREATE TABLE shop.items (id bigint PRIMARY KEY);"},
                                       kV1[1]};
  constexpr MigrationFile other[] = {{"0001_other.sql", "CREATE TABLE other.t (id int);"}};
  std::string old_sum = sha256(std::string(kV1[0].sql)), new_sum = sha256(std::string(changed[0].sql));
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (attempt == 0) {
        migrate(*pool, {{"other", {}, other}, {"shop", {}, changed}});
      } else {
        up_to_date({{"other", {}, other}, {"shop", {}, changed}});
      }
      FAIL() << "a changed migration was accepted";
    } catch (const db::MigrationError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("shop/0001_create.sql"), std::string::npos) << what;
      EXPECT_NE(what.find(old_sum), std::string::npos) << what;
      EXPECT_NE(what.find(new_sum), std::string::npos) << what;
    }
  }
  // Nothing was applied anywhere: verification happens before the first file runs.
  EXPECT_EQ(database.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'other' AND tablename = 't'"), "0");
  EXPECT_EQ(database.value("SELECT count(*) FROM other.schema_migrations"), "0");
}

TEST_F(MigratorTest, NewFile_IsAppliedOnTheNextRun) {
  migrate(*pool, {{"shop", {}, kV1}});
  constexpr MigrationFile v2[] = {kV1[0], kV1[1], {"0003_index.sql", "CREATE INDEX items_name ON shop.items (name);"}};
  EXPECT_FALSE(up_to_date({{"shop", {}, v2}}));
  auto report = migrate(*pool, {{"shop", {}, v2}});
  ASSERT_EQ(report.entries.size(), 3u);
  EXPECT_FALSE(report.entries[0].applied_now);
  EXPECT_FALSE(report.entries[1].applied_now);
  EXPECT_TRUE(report.entries[2].applied_now);
  EXPECT_EQ(applied("shop"), (std::vector<std::string>{"0001_create.sql", "0002_column.sql", "0003_index.sql"}));
  EXPECT_TRUE(up_to_date({{"shop", {}, v2}}));
}

TEST_F(MigratorTest, Templates_ApplyPerSchemaWithTheSchemaNameFirst) {
  std::vector<MigrationFile> templates{{"outbox.sql", "CREATE TABLE {schema}.outbox (id bigserial PRIMARY KEY);"
                                                      " COMMENT ON TABLE {schema}.outbox IS '{schema} events'"}};
  // The module's own file builds on the template's table: it must run after it.
  constexpr MigrationFile s1[] = {{"0001_note.sql", "ALTER TABLE one.outbox ADD COLUMN note text"}};
  constexpr MigrationFile s2[] = {{"0001_note.sql", "ALTER TABLE two.outbox ADD COLUMN other text"}};
  auto report = migrate(*pool, {{"one", templates, s1}, {"two", templates, s2}});
  ASSERT_EQ(report.entries.size(), 4u);
  EXPECT_EQ(report.entries[0].name, "template:outbox.sql");
  EXPECT_EQ(report.entries[1].name, "0001_note.sql");
  EXPECT_EQ(database.value("SELECT obj_description('one.outbox'::regclass)"), "one events");
  EXPECT_EQ(database.value("SELECT obj_description('two.outbox'::regclass)"), "two events");
  EXPECT_EQ(database.value("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'two'"
                           " AND table_name = 'outbox' AND column_name = 'other'"),
            "1");
  EXPECT_EQ(database.value("SELECT checksum FROM two.schema_migrations WHERE name = 'template:outbox.sql'"),
            sha256("CREATE TABLE two.outbox (id bigserial PRIMARY KEY); COMMENT ON TABLE two.outbox IS 'two events'"));
  EXPECT_TRUE(up_to_date({{"one", templates, s1}, {"two", templates, s2}}));
}

TEST_F(MigratorTest, FailingFile_IsRolledBackAndNotRecordedAndTheNextRunCanFixIt) {
  constexpr MigrationFile broken[] = {kV1[0], {"0002_broken.sql", "CREATE TABLE shop.half (id int); SELECT 1/0;"}};
  try {
    migrate(*pool, {{"shop", {}, broken}});
    FAIL() << "a failing migration succeeded";
  } catch (const db::MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("shop/0002_broken.sql"), std::string::npos) << e.what();
  }
  EXPECT_EQ(applied("shop"), (std::vector<std::string>{"0001_create.sql"}));
  EXPECT_EQ(database.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'shop' AND tablename = 'half'"), "0");
  // The lock died with the failed run's connection: a fixed file goes in at once.
  constexpr MigrationFile fixed[] = {kV1[0], {"0002_broken.sql", "CREATE TABLE shop.half (id int);"}};
  auto report = migrate(*pool, {{"shop", {}, fixed}});
  EXPECT_TRUE(report.entries[1].applied_now);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

TEST_F(MigratorTest, TwoMigratorsAtOnce_BothSucceedAndEachFileIsAppliedOnce) {
  constexpr MigrationFile slow[] = {
      {"0001_slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE race.t (id int PRIMARY KEY);"},
      {"0002_seed.sql", "INSERT INTO race.t VALUES (1);"}};
  auto other = make_pool(2);
  std::vector<db::SchemaMigrations> schemas{{"race", {}, slow}};
  std::atomic<int> applied_now{0}, succeeded{0};
  auto one = [&](db::Pool& p) -> awaitable<void> {
    db::Migrator m(p);
    auto report = co_await m.migrate(schemas);
    for (const auto& e : report.entries) applied_now += e.applied_now ? 1 : 0;
    ++succeeded;
  };
  run([&]() -> awaitable<void> {
    boost::asio::co_spawn(io, one(*pool), boost::asio::detached);
    boost::asio::co_spawn(io, one(*other), boost::asio::detached);
    co_return;
  }(), 2);
  EXPECT_EQ(succeeded.load(), 2);
  EXPECT_EQ(applied_now.load(), 2);
  EXPECT_EQ(database.value("SELECT count(*) FROM race.t"), "1");
  EXPECT_EQ(applied("race").size(), 2u);
}

// Roles are cluster-wide: migrators of two databases may create the same new role at once.
TEST(MigratorAcrossDatabases, BothCreatingTheSameNewRoleAtOnce_Succeed) {
  TestDatabase first, second;
  boost::asio::io_context io;
  db::PoolOptions o;
  o.max_size = 1;
  o.conninfo = first.conninfo();
  auto pool_a = db::Pool::create(io.get_executor(), o);
  o.conninfo = second.conninfo();
  auto pool_b = db::Pool::create(io.get_executor(), o);
  constexpr MigrationFile files[] = {{"0001.sql", "SELECT 1"}};
  for (int round = 0; round < 5; ++round) {
    std::string schema = "shared_" + std::to_string(::getpid()) + "_" + std::to_string(round);
    std::vector<db::SchemaMigrations> schemas{{schema, {}, files}};
    std::atomic<int> succeeded{0};
    std::string failure;
    auto one = [&](db::Pool& pool) -> awaitable<void> {
      try {
        db::Migrator m(pool);
        co_await m.migrate(schemas);
        ++succeeded;
      } catch (const std::exception& e) {
        failure = e.what();
      }
    };
    run_async(io, [&]() -> awaitable<void> {
      boost::asio::co_spawn(io, one(*pool_a), boost::asio::detached);
      boost::asio::co_spawn(io, one(*pool_b), boost::asio::detached);
      co_return;
    }(), 2);
    EXPECT_EQ(succeeded.load(), 2) << schema << ": " << failure;
    EXPECT_EQ(first.value("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '" + schema + "'"),
              "nelo_" + schema);
    EXPECT_EQ(second.value("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '" + schema + "'"),
              "nelo_" + schema);
  }
  pool_a->close();
  pool_b->close();
}

TEST_F(MigratorTest, InvalidSchemaName_IsRejected) {
  constexpr MigrationFile none[] = {{"0001.sql", "SELECT 1"}};
  EXPECT_THROW(migrate(*pool, {{"Bad-Name", {}, none}}), db::MigrationError);
}

}  // namespace
}  // namespace nelo::test
