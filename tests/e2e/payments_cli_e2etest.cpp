// `nelo payments diagram`: the payment state machine printed by the real binary, without a database.

#include <gtest/gtest.h>

#include <string>

#include "support/nelo_process.hpp"

namespace nelo::test {
namespace {

TEST(PaymentsCli, DiagramPrintsThePaymentMachine) {
  auto [code, out] = run_nelo({"payments", "diagram"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(out.rfind("stateDiagram-v2\n  [*] --> requires_authorization\n", 0), 0u) << out;
  EXPECT_NE(out.find("authorized --> captured: capture (system) / payment.captured"), std::string::npos) << out;
  auto [dot_code, dot] = run_nelo({"payments", "diagram", "--format", "dot"});
  ASSERT_EQ(dot_code, 0) << dot;
  EXPECT_NE(dot.find("digraph payment"), std::string::npos) << dot;
  auto [bad_code, bad] = run_nelo({"payments", "diagram", "--format", "png"});
  EXPECT_EQ(bad_code, 2) << bad;
  EXPECT_NE(bad.find("unknown diagram format 'png'"), std::string::npos) << bad;
}

}  // namespace
}  // namespace nelo::test
