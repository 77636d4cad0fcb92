// Golden rule 3, asked of the database itself: after every module's migrations, no foreign key
// joins tables of two different schemas. References across modules are plain UUIDs.

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "architecture/scan.hpp"
#include "support/test_database.hpp"

namespace nelo::arch {
namespace {

// Every foreign key whose referencing and referenced tables live in different schemas.
constexpr const char* kCrossSchemaForeignKeys = R"sql(
  SELECT c.conname, fn.nspname || '.' || ft.relname AS from_table, tn.nspname || '.' || tt.relname AS to_table
  FROM pg_constraint c
  JOIN pg_class ft ON ft.oid = c.conrelid
  JOIN pg_namespace fn ON fn.oid = ft.relnamespace
  JOIN pg_class tt ON tt.oid = c.confrelid
  JOIN pg_namespace tn ON tn.oid = tt.relnamespace
  WHERE c.contype = 'f' AND fn.nspname <> tn.nspname
  ORDER BY 1, 2, 3)sql";

using Rows = std::vector<std::vector<std::string>>;

class Connection {
 public:
  explicit Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str()), &PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_.get()));
  }
  Rows query(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn_.get(), sql.c_str()), &PQclear);
    auto status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      throw std::runtime_error(std::string(PQresultErrorMessage(res.get())) + "in: " + sql);
    }
    Rows rows;
    for (int r = 0; r < PQntuples(res.get()); ++r) {
      auto& row = rows.emplace_back();
      for (int c = 0; c < PQnfields(res.get()); ++c) row.emplace_back(PQgetvalue(res.get(), r, c));
    }
    return rows;
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

std::string describe(const Rows& rows) {
  std::string out;
  for (const auto& r : rows) out += "  " + r[0] + ": " + r[1] + " -> " + r[2] + "\n";
  return out;
}

TEST(ArchitectureFk, MigratedDatabaseHasNoCrossSchemaForeignKey) {
  nelo::test::TestDatabase db;
  auto migrate = run_nelo("migrate", "DATABASE_URL=" + shell_quote(db.conninfo()));
  ASSERT_EQ(migrate.exit_code, 0) << "`nelo migrate` failed; its output:\n" << migrate.out;

  Connection conn(db.conninfo());
  // Not vacuous: every listed module's schema is there.
  std::string listed;
  for (const auto& module : kModules) listed += (listed.empty() ? "'" : ",'") + module + "'";
  auto schemas = conn.query("SELECT count(*) FROM pg_namespace WHERE nspname IN (" + listed + ")");
  ASSERT_EQ(schemas.at(0).at(0), std::to_string(kModules.size())) << "migrate did not create every module schema";

  auto rows = conn.query(kCrossSchemaForeignKeys);
  EXPECT_TRUE(rows.empty()) << "foreign keys across schemas (reference other modules by UUID instead):\n"
                            << describe(rows);
}

TEST(ArchitectureFk, SelfCheck_QueryFindsADeliberateCrossSchemaForeignKey) {
  nelo::test::TestDatabase db;
  Connection conn(db.conninfo());
  conn.query(R"sql(
    CREATE SCHEMA arch_a;
    CREATE SCHEMA arch_b;
    CREATE TABLE arch_a.parent (id integer PRIMARY KEY);
    CREATE TABLE arch_a.sibling (parent_id integer REFERENCES arch_a.parent (id));
    CREATE TABLE arch_b.child (id integer PRIMARY KEY,
                               parent_id integer CONSTRAINT child_parent_fk REFERENCES arch_a.parent (id));
  )sql");
  auto rows = conn.query(kCrossSchemaForeignKeys);
  ASSERT_EQ(rows.size(), 1u) << describe(rows);  // the same-schema key is not reported
  EXPECT_EQ(rows[0][0], "child_parent_fk");
  EXPECT_EQ(rows[0][1], "arch_b.child");
  EXPECT_EQ(rows[0][2], "arch_a.parent");
}

}  // namespace
}  // namespace nelo::arch
