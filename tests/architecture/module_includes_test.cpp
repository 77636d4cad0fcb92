// Golden rule 1: a module includes core/ and shared/ only, never another module.

#include <gtest/gtest.h>

#include "architecture/scan.hpp"

namespace nelo::arch {
namespace {

TEST(ModuleIncludes, NoModuleIncludesAnotherModule) {
  auto src = source_root() / "src";
  std::size_t scanned = 0;
  std::vector<Violation> violations;
  for (const auto& module : kModules) {
    for (const auto& file : files_under(modules_root() / module, is_cpp_source)) {
      ++scanned;
      auto found = include_violations(module, file, read_file(file), src);
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GE(scanned, kModules.size()) << "expected at least one source file per module under " << modules_root();
  EXPECT_TRUE(violations.empty()) << "cross-module includes:\n" << describe(violations);
}

TEST(ModuleIncludes, EveryModuleFolderIsAKnownModule) {
  // A module folder the scanners don't know about would escape every rule here.
  for (const auto& entry : fs::directory_iterator(modules_root())) {
    if (entry.is_directory()) {
      EXPECT_TRUE(is_module(entry.path().filename().string()))
          << entry.path() << " is not a listed module: add it to kModuleNames in src/core/module_names.hpp";
    }
  }
}

// The scanner must be able to fail: synthetic offenders in every include form.
TEST(ModuleIncludes, SelfCheck_CatchesEveryIncludeForm) {
  auto src = fs::path("/repo/src");
  auto file = src / "modules/orders/services/order_service.cpp";
  auto count = [&](const std::string& text) { return include_violations("orders", file, text, src).size(); };

  EXPECT_EQ(count("#include \"modules/users/models.hpp\"\n"), 1u);
  EXPECT_EQ(count("#include <modules/catalog/module.hpp>\n"), 1u);
  EXPECT_EQ(count("  #  include \"src/modules/payments/x.hpp\"\n"), 1u);
  EXPECT_EQ(count("#include \"../../users/models.hpp\"\n"), 1u);         // relative, resolved from the file
  EXPECT_EQ(count("#include \"../../../modules/ai/eta.hpp\"\n"), 1u);
  EXPECT_EQ(count("int x;\n#include \"modules/users/a.hpp\"\n#include \"modules/auth/b.hpp\"\n"), 2u);
  auto v = include_violations("orders", file, "\n\n#include \"modules/users/models.hpp\"\n", src);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
  EXPECT_NE(v[0].what.find("users"), std::string::npos);
}

TEST(ModuleIncludes, SelfCheck_AllowsCoreSharedAndOwnModule) {
  auto src = fs::path("/repo/src");
  auto file = src / "modules/orders/services/order_service.cpp";
  auto count = [&](const std::string& text) { return include_violations("orders", file, text, src).size(); };

  EXPECT_EQ(count("#include \"core/http/route.hpp\"\n#include \"shared/interfaces/user_interface.hpp\"\n"), 0u);
  EXPECT_EQ(count("#include \"modules/orders/models.hpp\"\n#include \"../models.hpp\"\n#include \"order_service.hpp\"\n"), 0u);
  EXPECT_EQ(count("#include <boost/json.hpp>\n#include <vector>\n"), 0u);
  // Commented out or quoted: not an include.
  EXPECT_EQ(count("// #include \"modules/users/models.hpp\"\n/* #include \"modules/ai/x.hpp\" */\n"), 0u);
  EXPECT_EQ(count("const char* s = \"#include \\\"modules/users/x.hpp\\\"\";\n"), 0u);
}

}  // namespace
}  // namespace nelo::arch
