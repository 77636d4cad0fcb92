// Golden rule 1 from below: core and shared depend on no module, and each module's CMake target
// links core and shared only, read from the link graph CMake itself computed.

#include <gtest/gtest.h>

#include "architecture/layers.hpp"

namespace nelo::arch {
namespace {

TEST(Layers, CoreAndSharedIncludeNothingFromModules) {
  auto src = source_root() / "src";
  std::size_t scanned = 0;
  std::vector<Violation> violations;
  for (std::string layer : {"core", "shared"}) {
    for (const auto& file : files_under(src / layer, is_cpp_source)) {
      ++scanned;
      auto found = layer_include_violations(layer, file, read_file(file), src);
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GE(scanned, 20u) << "expected the sources of src/core and src/shared under " << src;
  EXPECT_TRUE(violations.empty()) << "core or shared including a module:\n" << describe(violations);
}

TEST(Layers, SelfCheck_CatchesCoreIncludingAModule) {
  auto src = fs::path("/repo/src");
  auto file = src / "core/http/router.cpp";
  auto count = [&](const std::string& text) { return layer_include_violations("core", file, text, src).size(); };

  EXPECT_EQ(count("#include \"modules/users/models.hpp\"\n"), 1u);
  EXPECT_EQ(count("#include <modules/orders/module.hpp>\n"), 1u);
  EXPECT_EQ(count("  #  include \"src/modules/payments/x.hpp\"\n"), 1u);
  EXPECT_EQ(count("#include \"../../modules/catalog/models.hpp\"\n"), 1u);  // relative, resolved from the file
  EXPECT_EQ(count("#include \"modules/not_yet_listed/x.hpp\"\n"), 1u);      // any module, listed or not
  auto v = layer_include_violations("shared", src / "shared/events/bus.hpp", "\n#include \"modules/ai/x.hpp\"\n", src);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 2);
  EXPECT_NE(v[0].what.find("shared"), std::string::npos);
}

TEST(Layers, SelfCheck_AllowsCoreSharedAndTheirOwnIncludes) {
  auto src = fs::path("/repo/src");
  auto file = src / "shared/events/dispatcher.cpp";
  auto count = [&](const std::string& text) { return layer_include_violations("shared", file, text, src).size(); };

  EXPECT_EQ(count("#include \"core/db/pool.hpp\"\n#include \"shared/interfaces/user_interface.hpp\"\n"), 0u);
  EXPECT_EQ(count("#include \"dispatcher.hpp\"\n#include \"../module.hpp\"\n#include <boost/json.hpp>\n"), 0u);
  EXPECT_EQ(count("#include \"app/modules.hpp\"\n"), 0u);  // not a module folder (and not this rule's business)
  EXPECT_EQ(count("// #include \"modules/users/models.hpp\"\nconst char* s = \"modules/users/x.hpp\";\n"), 0u);
}

TEST(Layers, NoModuleTargetLinksAnotherModule) {
  auto graph = parse_link_graph(read_file(NELO_LINK_GRAPH));
  // Not vacuous: CMake wrote a line for core, shared and every module of the list.
  for (std::string target : {"nelo_core", "nelo_shared"}) EXPECT_TRUE(graph.count(target)) << target;
  for (const auto& module : kModules) {
    ASSERT_TRUE(graph.count("nelo_" + module)) << "no link line for nelo_" << module << " in " << NELO_LINK_GRAPH;
    const auto& items = graph.at("nelo_" + module);
    EXPECT_NE(std::find(items.begin(), items.end(), "nelo_core"), items.end()) << "nelo_" << module;
  }
  auto violations = link_violations(graph);
  EXPECT_TRUE(violations.empty()) << "link dependencies against the layering:\n" << describe(violations);
}

TEST(Layers, SelfCheck_CatchesAModuleLinkingAnotherAndCoreLinkingAModule) {
  auto graph = parse_link_graph(
      "nelo_core: Boost::headers;spdlog::spdlog;nelo_warnings;PkgConfig::LIBPQ\n"
      "nelo_shared: nelo_core;nelo_warnings;nelo_users\n"
      "nelo_orders: nelo_core;nelo_shared;nelo_warnings;::@(0x5581);nelo_catalog;::@\n"
      "nelo_users: nelo_core;nelo_shared;nelo_warnings;nelo_orders_helpers\n"
      "nelo_auth: nelo_core;nelo_shared;nelo_warnings;PkgConfig::SODIUM\n");
  ASSERT_EQ(graph.at("nelo_orders").size(), 4u);  // the directory markers are dropped
  auto violations = link_violations(graph);
  ASSERT_EQ(violations.size(), 3u) << describe(violations);
  // std::map: in target order.
  EXPECT_EQ(violations[0].file, "nelo_orders");
  EXPECT_NE(violations[0].what.find("nelo_catalog (module 'catalog')"), std::string::npos) << violations[0].what;
  EXPECT_EQ(violations[1].file, "nelo_shared");
  EXPECT_NE(violations[1].what.find("nelo_users"), std::string::npos);
  EXPECT_EQ(violations[2].file, "nelo_users");  // another project library, a module in disguise
  EXPECT_NE(violations[2].what.find("nelo_orders_helpers"), std::string::npos);
}

}  // namespace
}  // namespace nelo::arch
