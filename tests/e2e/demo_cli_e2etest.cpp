// The small commands wired in main.cpp around the demo: `nelo orders diagram`.

#include <gtest/gtest.h>

#include <string>

#include "support/nelo_process.hpp"

namespace nelo::test {
namespace {

TEST(DemoCli, OrdersDiagramPrintsMermaidByDefault) {
  auto [code, out] = run_nelo({"orders", "diagram"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("stateDiagram-v2"), std::string::npos) << out;
}

TEST(DemoCli, OrdersDiagramPrintsDot) {
  auto [code, out] = run_nelo({"orders", "diagram", "--format", "dot"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("digraph"), std::string::npos) << out;
}

TEST(DemoCli, OrdersDiagramRefusesAnUnknownFormatWithExitCodeTwo) {
  auto [code, out] = run_nelo({"orders", "diagram", "--format", "png"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("unknown diagram format 'png' (expected mermaid or dot)"), std::string::npos) << out;
}

}  // namespace
}  // namespace nelo::test
