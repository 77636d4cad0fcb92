// The small commands wired in main.cpp around the demo: `nelo orders diagram`, `nelo deliveries diagram`.

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

TEST(DemoCli, DeliveriesDiagramPrintsTheDeliveryMachine) {
  auto [code, out] = run_nelo({"deliveries", "diagram"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("stateDiagram-v2"), std::string::npos) << out;
  EXPECT_NE(out.find("at_pickup --> picked_up: pick_up (driver) / delivery.picked_up"), std::string::npos) << out;
  auto [dot_code, dot] = run_nelo({"deliveries", "diagram", "--format", "dot"});
  ASSERT_EQ(dot_code, 0) << dot;
  EXPECT_NE(dot.find("digraph delivery"), std::string::npos) << dot;
  auto [bad_code, bad] = run_nelo({"deliveries", "diagram", "--format", "png"});
  EXPECT_EQ(bad_code, 2) << bad;
}

}  // namespace
}  // namespace nelo::test
