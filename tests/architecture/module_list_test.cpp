// The module list is written once (src/core/module_names.hpp). These check that what reads it
// agrees: the binary builds every listed module, and the rules that scan modules know each one.

#include <gtest/gtest.h>

#include "architecture/scan.hpp"
#include "core/config.hpp"
#include "core/module_list_check.hpp"

namespace nelo::arch {
namespace {

TEST(ModuleList, TheBinaryBuildsEveryListedModule) {
  // make_modules() refuses to start when its factory calls and the list disagree.
  auto all = run_nelo("routes");
  EXPECT_EQ(all.exit_code, 0) << "`nelo routes` failed (see its standard error above)";
  auto some = run_nelo("routes", "NELO_MODULES=orders,auth");
  EXPECT_EQ(some.exit_code, 0) << "`NELO_MODULES=orders,auth nelo routes` failed (see its standard error above)";
}

TEST(ModuleList, SelfCheck_BuiltModulesMismatchCatchesAMissingExtraOrMisplacedModule) {
  const std::vector<std::string> listed(kModuleNames.begin(), kModuleNames.end());
  Config all;
  EXPECT_EQ(built_modules_mismatch(listed, all), "");

  auto missing = listed;
  missing.erase(missing.begin() + 1);
  EXPECT_NE(built_modules_mismatch(missing, all).find(listed[1]), std::string::npos);

  auto twice = listed;
  twice.push_back(listed.front());
  EXPECT_NE(built_modules_mismatch(twice, all), "");

  auto swapped = listed;
  std::swap(swapped[0], swapped[1]);
  EXPECT_NE(built_modules_mismatch(swapped, all), "");

  auto unknown = listed;
  unknown.push_back("not_a_module");
  EXPECT_NE(built_modules_mismatch(unknown, all), "");

  Config some;
  some.modules = {listed[2], listed[0]};  // NELO_MODULES order does not matter: the list's does
  EXPECT_EQ(built_modules_mismatch({listed[0], listed[2]}, some), "");
  EXPECT_NE(built_modules_mismatch({listed[0]}, some), "");
  EXPECT_NE(built_modules_mismatch({listed[0], listed[1], listed[2]}, some), "");
}

TEST(ModuleList, TheSqlRuleKnowsEveryListedSchema) {
  // The SQL pattern is built from the list: each module's schema is foreign to any other module.
  for (const auto& module : kModules) {
    const std::string other = module == kModules.front() ? kModules.back() : kModules.front();
    auto refs = foreign_schema_references(other, "SELECT id FROM " + module + ".t JOIN \"" + module + "\".\"u\" USING (id)");
    ASSERT_EQ(refs.size(), 2u) << module;
    EXPECT_EQ(refs[0].schema, module);
    EXPECT_TRUE(foreign_schema_references(module, "SELECT id FROM " + module + ".t").empty()) << module;
  }
}

}  // namespace
}  // namespace nelo::arch
