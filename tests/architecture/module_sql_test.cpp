// Golden rule 3: a module's SQL names its own schema only (migrations and repositories).
// The database enforces the same at run time (role nelo_<module>); this catches it
// before anything runs, and architecture_fk_pgtest checks the migrated database itself.

#include <gtest/gtest.h>

#include "architecture/scan.hpp"

namespace nelo::arch {
namespace {

bool sql_or_cpp(const fs::path& p) { return p.extension() == ".sql" || is_cpp_source(p); }

TEST(ModuleSql, NoModuleNamesAnotherModulesSchema) {
  std::size_t migrations = 0;
  std::vector<Violation> violations;
  for (const auto& module : kModules) {
    for (const auto& file : files_under(modules_root() / module, sql_or_cpp)) {
      if (file.extension() == ".sql") ++migrations;
      auto found = sql_violations(module, file, read_file(file));
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GE(migrations, kModules.size()) << "expected every module to have migrations/*.sql";
  EXPECT_TRUE(violations.empty()) << "cross-schema SQL:\n" << describe(violations);
}

TEST(ModuleSql, NoModuleChangesSessionSettings) {
  std::vector<Violation> violations;
  for (const auto& module : kModules) {
    for (const auto& file : files_under(modules_root() / module, sql_or_cpp)) {
      auto found = session_setting_violations(file, read_file(file));
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_TRUE(violations.empty()) << describe(violations);
}

TEST(ModuleSql, SelfCheck_CatchesSessionSettingsButNotColumnsNamedRole) {
  auto count = [](const std::string& sql) { return session_setting_violations("0002_x.sql", sql).size(); };
  EXPECT_EQ(count("SET ROLE nelo_auth;"), 1u);
  EXPECT_EQ(count("reset role;"), 1u);
  EXPECT_EQ(count("SET LOCAL statement_timeout = 0;"), 1u);
  EXPECT_EQ(count("SET SESSION AUTHORIZATION postgres;"), 1u);
  EXPECT_EQ(count("SET search_path = public; RESET ALL;"), 2u);
  EXPECT_EQ(count("UPDATE orders.orders SET role = $1, status = $2;"), 0u);
  EXPECT_EQ(count("UPDATE auth.users SET roles = $1;"), 0u);
  EXPECT_EQ(count("-- SET ROLE in a comment\nSELECT 1;"), 0u);
  const std::string repo = "constexpr const char* kX = \"SELECT 1\";\nconstexpr const char* kY = \"RESET ROLE\";\n";
  auto v = session_setting_violations("x_repository.cpp", repo);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 2);
}

TEST(ModuleSql, SelfCheck_CatchesForeignSchemaInMigration) {
  auto count = [](const std::string& sql) { return sql_violations("orders", "0002_x.sql", sql).size(); };
  EXPECT_EQ(count("CREATE TABLE orders.orders (id uuid PRIMARY KEY,\n"
                  "  customer_id uuid REFERENCES users.users(id));\n"), 1u);
  EXPECT_EQ(count("SELECT 1 FROM \"catalog\".\"products\";"), 1u);
  EXPECT_EQ(count("SELECT 1 FROM orders.orders o JOIN Payments.intents p ON true;"), 1u);
  EXPECT_EQ(count("INSERT INTO deliveries.jobs SELECT * FROM ai.predictions;"), 2u);
  EXPECT_EQ(count("SELECT auth.current_user_id();"), 1u);  // functions count too
  EXPECT_EQ(count("SELECT x::notifications.kind FROM orders.t;"), 1u);
  auto v = sql_violations("orders", "0002_x.sql", "-- header\n\nALTER TABLE orders.a ADD b uuid REFERENCES users.b;\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
}

TEST(ModuleSql, SelfCheck_CatchesForeignSchemaInRepositoryString) {
  const std::string repo = R"cpp(
namespace nelo::orders {
constexpr const char* kFind = "SELECT o.id FROM orders.orders o "
                              "JOIN catalog.products p ON p.id = o.product_id WHERE o.id = $1";
constexpr auto kRaw = R"sql(
  UPDATE orders.orders SET status = $2
  WHERE id = (SELECT order_id FROM deliveries.jobs WHERE id = $1)
)sql";
}
)cpp";
  auto v = sql_violations("orders", "order_repository.cpp", repo);
  ASSERT_EQ(v.size(), 2u) << describe(v);
  EXPECT_EQ(v[0].line, 4);
  EXPECT_NE(v[0].what.find("catalog"), std::string::npos);
  EXPECT_EQ(v[1].line, 7);
  EXPECT_NE(v[1].what.find("deliveries"), std::string::npos);
}

TEST(ModuleSql, SelfCheck_IgnoresCommentsNamespacesIncludesAndProse) {
  auto cpp = [](const std::string& text) { return sql_violations("orders", "x.cpp", text).size(); };
  auto sql = [](const std::string& text) { return sql_violations("orders", "x.sql", text).size(); };
  // C++ outside string literals: namespaces, includes, member access, comments.
  EXPECT_EQ(cpp("#include \"modules/orders/users.hpp\"\nnamespace nelo::users {}\nauto a = users.size(); // users.id\n"
                "/* SELECT * FROM users.users */\n"),
            0u);
  // Strings that are not schema-qualified names.
  EXPECT_EQ(cpp("auto a = \"user.registered\"; auto b = \"No users. Try again\"; auto c = \"/api/v1/users/me\";\n"
                "auto d = \"see openai.com\"; auto e = \"orders.total\"; auto f = \"o.users\";\n"),
            0u);
  EXPECT_EQ(cpp("auto sep = 1'000'000; char q = '\"'; auto s = \"FROM orders.items\";\n"), 0u);
  // SQL comments and the module's own schema.
  EXPECT_EQ(sql("-- moved from users.addresses\n/* was: catalog.products /* nested */ */\n"
                "CREATE TABLE orders.items (id uuid);\nCOMMENT ON TABLE orders.items IS 'one line';\n"),
            0u);
}

}  // namespace
}  // namespace nelo::arch
