// The ledger's posting rules: every movement balances, the platform keeps both fees and its
// commission, and refunds in any number of parts give back exactly the capture's split.

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "modules/payments/ledger/posting_rules.hpp"

namespace nelo::payments {
namespace {

const LedgerParties kParties{"cust-1", "shop-1", "driver-1"};

std::int64_t sum_of(const LedgerPosting& p, LedgerAccount account) {
  std::int64_t s = 0;
  for (const auto& l : p.lines) {
    if (l.account == account) s += l.amount;
  }
  return s;
}

TEST(PostingRules, ThePlatformKeepsTheFeesAndItsCommissionHalfUp) {
  // 26.20 of food at 15%: 3.93 commission; 1.99 delivery and 1.31 service.
  EXPECT_EQ(split_amount(2620, 199, 131, 1500), (CaptureSplit{2227, 723}));
  EXPECT_EQ(split_amount(2620, 199, 131, 0), (CaptureSplit{2620, 330}));
  EXPECT_EQ(split_amount(1, 0, 0, 5000), (CaptureSplit{0, 1}));  // 0.5 rounds up
  EXPECT_EQ(split_amount(3, 0, 0, 1000), (CaptureSplit{3, 0}));   // 0.3 rounds down
  EXPECT_EQ(split_amount(2620, 199, 131, 10000), (CaptureSplit{0, 2950}));
  EXPECT_THROW(split_amount(-1, 0, 0, 0), std::invalid_argument);
  EXPECT_THROW(split_amount(100, 0, 0, 10001), std::invalid_argument);
  EXPECT_THROW(split_amount(100, 0, 0, -1), std::invalid_argument);
}

TEST(PostingRules, ACardCaptureChargesTheCustomerAndOwesTheMerchant) {
  const auto p = capture_posting(kParties, "EUR", {2227, 723});
  EXPECT_EQ(p.kind, LedgerKind::Capture);
  EXPECT_EQ(p.currency, "EUR");
  ASSERT_EQ(p.lines.size(), 3u);
  EXPECT_EQ(p.lines[0], (LedgerLine{LedgerAccount::Customer, "cust-1", 2950}));
  EXPECT_EQ(p.lines[1], (LedgerLine{LedgerAccount::MerchantPayable, "shop-1", -2227}));
  EXPECT_EQ(p.lines[2], (LedgerLine{LedgerAccount::PlatformFees, std::nullopt, -723}));
  EXPECT_TRUE(is_balanced(p));
}

TEST(PostingRules, CashGoesIntoTheDriversFloat) {
  const auto p = cash_collection_posting(kParties, "EUR", {2227, 723});
  EXPECT_EQ(p.kind, LedgerKind::CashCollection);
  EXPECT_EQ(p.lines[0], (LedgerLine{LedgerAccount::DriverCashFloat, "driver-1", 2950}));
  EXPECT_EQ(sum_of(p, LedgerAccount::Customer), 0);
  EXPECT_TRUE(is_balanced(p));
  // A merchant owed nothing (100% commission) gets no zero line.
  const auto all_fees = cash_collection_posting(kParties, "EUR", {0, 500});
  EXPECT_EQ(all_fees.lines.size(), 2u);
  EXPECT_TRUE(is_balanced(all_fees));
  EXPECT_THROW(capture_posting(kParties, "EUR", {0, 0}), std::invalid_argument);
  EXPECT_THROW(capture_posting(kParties, "EUR", {-5, 10}), std::invalid_argument);
}

TEST(PostingRules, RefundsInPartsGiveBackExactlyTheCapturesSplit) {
  const CaptureSplit split{2227, 723};
  for (const std::vector<std::int64_t>& parts :
       {std::vector<std::int64_t>{2950}, {1, 1, 2948}, {1000, 1000, 950}, {7, 13, 333, 2000, 597}}) {
    std::int64_t refunded = 0, merchant = 0, platform = 0, customer = 0;
    for (auto amount : parts) {
      const auto p = refund_posting(kParties, "EUR", split, refunded, amount);
      EXPECT_EQ(p.kind, LedgerKind::Refund);
      EXPECT_TRUE(is_balanced(p));
      EXPECT_EQ(sum_of(p, LedgerAccount::Customer), -amount);
      EXPECT_GE(sum_of(p, LedgerAccount::MerchantPayable), 0);
      EXPECT_GE(sum_of(p, LedgerAccount::PlatformFees), 0);
      merchant += sum_of(p, LedgerAccount::MerchantPayable);
      platform += sum_of(p, LedgerAccount::PlatformFees);
      customer += sum_of(p, LedgerAccount::Customer);
      refunded += amount;
    }
    EXPECT_EQ(merchant, 2227);
    EXPECT_EQ(platform, 723);
    EXPECT_EQ(customer, -2950);
  }
}

TEST(PostingRules, ARefundBeyondTheCaptureIsRefused) {
  const CaptureSplit split{2227, 723};
  EXPECT_THROW(refund_posting(kParties, "EUR", split, 0, 2951), std::invalid_argument);
  EXPECT_THROW(refund_posting(kParties, "EUR", split, 2000, 951), std::invalid_argument);
  EXPECT_THROW(refund_posting(kParties, "EUR", split, 0, 0), std::invalid_argument);
  EXPECT_THROW(refund_posting(kParties, "EUR", split, -1, 10), std::invalid_argument);
  EXPECT_NO_THROW(refund_posting(kParties, "EUR", split, 2000, 950));
}

TEST(PostingRules, BalanceNeedsTwoNonZeroLinesSummingToZero) {
  EXPECT_FALSE(is_balanced({LedgerKind::Capture, "EUR", {}}));
  EXPECT_FALSE(is_balanced({LedgerKind::Capture, "EUR", {{LedgerAccount::Customer, std::nullopt, 0},
                                                        {LedgerAccount::PlatformFees, std::nullopt, 0}}}));
  EXPECT_FALSE(is_balanced({LedgerKind::Capture, "EUR", {{LedgerAccount::Customer, std::nullopt, 5},
                                                        {LedgerAccount::PlatformFees, std::nullopt, -4}}}));
  EXPECT_TRUE(is_balanced({LedgerKind::Capture, "EUR", {{LedgerAccount::Customer, std::nullopt, 5},
                                                       {LedgerAccount::PlatformFees, std::nullopt, -5}}}));
}

}  // namespace
}  // namespace nelo::payments
