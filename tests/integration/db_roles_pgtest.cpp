// Every module transaction runs as its own role and can touch nothing outside its schema.

#include <unistd.h>

#include "core/db/errors.hpp"
#include "db_fixture.hpp"

namespace nelo::test {
namespace {

using boost::asio::awaitable;
using db::params;

constexpr db::MigrationFile kAlpha[] = {
    {"0001_alpha.sql",
     "CREATE TABLE alpha.places (id int PRIMARY KEY, name text NOT NULL, location geography(Point, 4326) NOT NULL)"}};
constexpr db::MigrationFile kBeta[] = {{"0001_beta.sql", "CREATE TABLE beta.things (id int PRIMARY KEY)"}};

std::string sqlstate_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const db::DatabaseError& e) {
    return e.sqlstate();
  }
  return "no error";
}

class RolesTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool;
  void SetUp() override {
    pool = make_pool(2);
    migrate(*pool, {{"alpha", {}, kAlpha}, {"beta", {}, kBeta}});
  }
};

TEST_F(RolesTest, Module_CannotReadOrWriteAnotherModulesSchema) {
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "SELECT count(*) FROM beta.things")); }), "42501");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "INSERT INTO beta.things VALUES (1)")); }), "42501");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("beta", "SELECT name FROM alpha.places")); }), "42501");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("beta", "SELECT name FROM alpha.schema_migrations")); }), "42501");
  // Its own schema works.
  EXPECT_EQ(run(pool->execute("beta", "INSERT INTO beta.things VALUES (1)")).affected_rows(), 1);
  EXPECT_EQ(database.value("SELECT count(*) FROM beta.things"), "1");
}

TEST_F(RolesTest, Module_CannotCreateObjectsInPublicOrAnotherSchema) {
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "CREATE TABLE public.leak (id int)")); }), "42501");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "CREATE TABLE beta.leak (id int)")); }), "42501");
  EXPECT_EQ(database.value("SELECT count(*) FROM pg_tables WHERE tablename = 'leak'"), "0");
}

TEST_F(RolesTest, Geography_WorksFromAModuleRole) {
  run(pool->execute("alpha",
                    "INSERT INTO alpha.places VALUES (1, 'Paris', ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)",
                    params(2.3522, 48.8566)));
  auto r = run(pool->execute(
      "alpha",
      "SELECT name, ST_Distance(location, ST_SetSRID(ST_MakePoint(2.2945, 48.8584), 4326)::geography) AS meters"
      " FROM alpha.places WHERE ST_DWithin(location, ST_SetSRID(ST_MakePoint(2.2945, 48.8584), 4326)::geography, 10000)"));
  ASSERT_EQ(r.size(), 1);
  EXPECT_EQ(r.front().get<std::string>("name"), "Paris");
  EXPECT_NEAR(r.front().get<double>("meters"), 4230, 150);
}

TEST_F(RolesTest, MigratedObjects_BelongToTheModuleRole) {
  EXPECT_EQ(database.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'alpha' AND tablename = 'places'"),
            "nelo_alpha");
  EXPECT_EQ(database.value(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'beta' AND tablename = 'schema_migrations'"),
            "nelo_beta");
  EXPECT_EQ(database.value("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'alpha'"), "nelo_alpha");
  EXPECT_EQ(database.value("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'nelo_alpha'"), "false");
  EXPECT_EQ(database.value("SELECT has_schema_privilege('nelo_beta', 'alpha', 'USAGE')::text"), "false");
  EXPECT_EQ(database.value("SELECT has_schema_privilege('nelo_beta', 'public', 'CREATE')::text"), "false");
}

TEST_F(RolesTest, Owner_SeesEverySchema) {
  auto r = run(pool->execute_as_owner(
      "SELECT (SELECT count(*) FROM alpha.places) + (SELECT count(*) FROM beta.things) AS total"));
  EXPECT_EQ(r.front().get<std::int64_t>(0), 0);
}

TEST_F(RolesTest, UnknownModuleRole_FailsTheFirstStatementAndLeavesNoBrokenConnection) {
  EXPECT_EQ(sqlstate_of([&] {
              run([&]() -> awaitable<void> {
                auto tx = co_await pool->begin("nosuchmodule_xyz");
                co_await tx.execute("SELECT 1");
              }());
            }),
            "22023");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("nosuchmodule_xyz", "SELECT 1")); }), "22023");
  EXPECT_EQ(run(pool->execute("alpha", "SELECT 1")).front().get<std::int32_t>(0), 1);
  EXPECT_EQ(pool->stats().in_use, 0u);
}

// The role is kept at session level per connection and re-set only when needed. With a single
// connection every statement below reuses the same session, so each case proves the cache can
// never leave a statement running as the wrong role.
class SessionRoleTest : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool;
  void SetUp() override {
    pool = make_pool(1);
    migrate(*pool, {{"alpha", {}, kAlpha}, {"beta", {}, kBeta}});
  }
  std::string role_of_execute(std::string_view module) {
    return run(pool->execute(module, "SELECT current_user::text")).front().get<std::string>(0);
  }
  std::string role_in_transaction(std::string_view module) {
    return run([&]() -> awaitable<std::string> {
      auto tx = co_await pool->begin(module);
      auto r = co_await tx.execute("SELECT current_user::text");
      co_await tx.commit();
      co_return r.front().get<std::string>(0);
    }());
  }
  std::string owner_role() {
    return run(pool->execute_as_owner("SELECT current_user::text")).front().get<std::string>(0);
  }
};

TEST_F(SessionRoleTest, SwitchingModulesOnOneConnection_AlwaysRunsAsTheAskingModule) {
  const std::string owner = owner_role();
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  EXPECT_EQ(role_in_transaction("beta"), "nelo_beta");
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  EXPECT_EQ(owner_role(), owner);
  EXPECT_NE(owner, "nelo_alpha");
  EXPECT_EQ(role_in_transaction("alpha"), "nelo_alpha");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "SELECT count(*) FROM beta.things")); }), "42501");
}

TEST_F(SessionRoleTest, RolledBackRoleSwitch_IsSentAgainNextTime) {
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  // The switch to beta happens inside this transaction and is undone by its rollback.
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("beta");
    co_await tx.execute("SELECT 1");
    co_await tx.rollback();
  }());
  EXPECT_EQ(role_of_execute("beta"), "nelo_beta");
  // Abandoned (no commit, no rollback): the pool rolls it back.
  run([&]() -> awaitable<void> {
    auto tx = co_await pool->begin("alpha");
    co_await tx.execute("SELECT 1");
  }());
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "SELECT count(*) FROM beta.things")); }), "42501");
}

TEST_F(SessionRoleTest, FailedStatementAfterASwitch_LeavesNoWrongRoleBehind) {
  EXPECT_EQ(role_of_execute("beta"), "nelo_beta");
  // The switch to alpha and the failing statement share one implicit transaction: both undone.
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("alpha", "SELECT count(*) FROM beta.things")); }), "42501");
  EXPECT_EQ(role_of_execute("alpha"), "nelo_alpha");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("beta", "SELECT 1/0")); }), "22012");
  EXPECT_EQ(role_in_transaction("beta"), "nelo_beta");
  EXPECT_EQ(sqlstate_of([&] { run(pool->execute("beta", "SELECT name FROM alpha.places")); }), "42501");
}

TEST_F(SessionRoleTest, StatementTimeout_AppliesToModulesButNotToTheOwner) {
  const std::string kSetting = "SELECT setting FROM pg_settings WHERE name = 'statement_timeout'";  // in ms
  EXPECT_EQ(run(pool->execute("alpha", kSetting)).front().get<std::string>(0),
            std::to_string(options(1).statement_timeout.count()));
  EXPECT_EQ(run(pool->execute_as_owner(kSetting)).front().get<std::string>(0), "0");
  // Owner -> alpha sets role and timeout; alpha -> beta only the role: the timeout holds.
  const std::string timeout = std::to_string(options(1).statement_timeout.count());
  EXPECT_EQ(run(pool->execute("alpha", kSetting)).front().get<std::string>(0), timeout);
  EXPECT_EQ(run(pool->execute("beta", kSetting)).front().get<std::string>(0), timeout);
  EXPECT_EQ(role_in_transaction("alpha"), "nelo_alpha");
  EXPECT_EQ(run(pool->execute("beta", kSetting)).front().get<std::string>(0), timeout);
}

TEST_F(RolesTest, IdleConnections_GoBackToTheModuleTheyAlreadyServe) {
  // pool has two connections: put one in alpha's session and the other in beta's.
  auto pids = run([&]() -> awaitable<std::pair<int, int>> {
    auto a = co_await pool->begin("alpha");
    auto b = co_await pool->begin("beta");
    auto pa = co_await a.execute("SELECT pg_backend_pid()");
    auto pb = co_await b.execute("SELECT pg_backend_pid()");
    co_await a.commit();
    co_await b.commit();
    co_return std::make_pair(pa.front().get<std::int32_t>(0), pb.front().get<std::int32_t>(0));
  }());
  ASSERT_NE(pids.first, pids.second);
  auto pid_of = [&](std::string_view module) {
    return run(pool->execute(module, "SELECT pg_backend_pid()")).front().get<std::int32_t>(0);
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pid_of("alpha"), pids.first);
    EXPECT_EQ(pid_of("beta"), pids.second);
    EXPECT_EQ(pid_of("beta"), pids.second);
    EXPECT_EQ(pid_of("alpha"), pids.first);
  }
}

// A non-superuser database owner (a managed PostgreSQL, say) can run the migrator: it creates
// the roles (CREATEROLE) and grants them to itself so that SET ROLE works.
class NonSuperuserOwnerTest : public DbTest {
 protected:
  std::string owner = "nelo_test_owner_" + std::to_string(::getpid());
  void SetUp() override {
    database.exec("DROP ROLE IF EXISTS " + owner + "; CREATE ROLE " + owner + " LOGIN CREATEROLE;"
                  " GRANT CREATE ON DATABASE \"" + database.name() + "\" TO " + owner);
  }
  void TearDown() override {
    for (auto& p : pools) p->close();
    pools.clear();
    try {
      database.exec("REVOKE CREATE ON DATABASE \"" + database.name() + "\" FROM " + owner + "; DROP OWNED BY " + owner);
      database.exec("DROP ROLE IF EXISTS " + owner);
    } catch (const std::exception&) {
    }
  }
};

constexpr db::MigrationFile kGamma[] = {{"0001_gamma.sql", "CREATE TABLE gamma.notes (id int PRIMARY KEY)"}};

TEST_F(NonSuperuserOwnerTest, Migrator_GrantsItselfTheModuleRoles) {
  auto o = options(2);
  o.conninfo = database.conninfo_with("user=" + owner);
  auto pool = make_pool(o);
  auto report = migrate(*pool, {{"gamma", {}, kGamma}});
  ASSERT_EQ(report.entries.size(), 1u);
  EXPECT_TRUE(report.entries[0].applied_now);
  EXPECT_EQ(run(pool->execute("gamma", "INSERT INTO gamma.notes VALUES (1)")).affected_rows(), 1);
  EXPECT_EQ(database.value("SELECT pg_has_role('" + owner + "', 'nelo_gamma', 'MEMBER')::text"), "true");
  EXPECT_EQ(database.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'gamma' AND tablename = 'notes'"),
            "nelo_gamma");
}

TEST_F(NonSuperuserOwnerTest, MissingPostgis_SaysAnAdministratorMustCreateIt) {
  database.exec("DROP EXTENSION postgis");
  auto o = options(1);
  o.conninfo = database.conninfo_with("user=" + owner);
  auto pool = make_pool(o);
  try {
    migrate(*pool, {{"gamma", {}, kGamma}});
    FAIL() << "migrated without PostGIS";
  } catch (const db::MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("CREATE EXTENSION postgis"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(database.name()), std::string::npos) << e.what();
  }
  EXPECT_EQ(database.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'gamma'"), "0");
}

}  // namespace
}  // namespace nelo::test
