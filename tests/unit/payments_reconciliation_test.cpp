// Reconciliation as pure logic: a consistent snapshot has no difference; each kind of
// inconsistency (an unbalanced transaction, a capture missing from the ledger or of another
// amount, refunds that do not add up, a status that contradicts the amounts, a processor that
// says otherwise or holds a charge nelo does not know) is reported, naming what differs.

#include <gtest/gtest.h>

#include <string>

#include "modules/payments/services/reconciliation.hpp"

namespace nelo::payments {
namespace {

PaymentView captured(const std::string& id, std::int64_t amount, std::int64_t refunded = 0) {
  PaymentView p;
  p.id = id;
  p.order_id = "order-" + id;
  p.provider = "sandbox";
  p.provider_reference = "sbx_" + id;
  p.currency = "EUR";
  p.amount = amount;
  p.captured_amount = amount;
  p.refunded_amount = refunded;
  p.status = refunded == 0        ? PaymentStatus::Captured
             : refunded == amount ? PaymentStatus::Refunded
                                  : PaymentStatus::PartiallyRefunded;
  if (refunded > 0) p.refunds.push_back(RefundRecord{"r-" + id, id, refunded, "why", "succeeded", "re_1", {}, {}, {}});
  return p;
}

LedgerTransactionSummary tx(const std::string& id, const std::string& payment, const std::string& kind,
                            std::int64_t debits, std::optional<std::string> refund = std::nullopt) {
  return LedgerTransactionSummary{id, payment, std::move(refund), kind, "EUR", 3, 0, debits};
}

ProviderRecord charge_of(const PaymentView& p, const std::string& status = "captured") {
  ProviderRecord r{*p.provider_reference, p.id, status, p.amount, p.currency, p.captured_amount, p.refunded_amount, {}};
  for (const auto& refund : p.refunds) r.refunds.push_back({refund.id, refund.amount});
  return r;
}

struct ReconciliationTest : ::testing::Test {
  PaymentsSnapshot snapshot;
  ProviderRecords processor{"sandbox", {}};

  void SetUp() override {
    snapshot.payments = {captured("a", 2950), captured("b", 1000, 400)};
    snapshot.transactions = {tx("t1", "a", "capture", 2950), tx("t2", "b", "capture", 1000),
                             tx("t3", "b", "refund", 400, "r-b")};
    for (const auto& p : snapshot.payments) processor.records.push_back(charge_of(p));
  }
  std::string report() { return to_text(reconcile(snapshot, processor)); }
  std::size_t count() { return reconcile(snapshot, processor).differences.size(); }
};

TEST_F(ReconciliationTest, AConsistentSnapshotHasNoDifference) {
  EXPECT_EQ(count(), 0u) << report();
  EXPECT_NE(report().find("checked 2 payment(s), 1 refund(s), 3 ledger transaction(s)"), std::string::npos);
  EXPECT_EQ(reconcile(snapshot, std::nullopt).differences.size(), 0u);
}

TEST_F(ReconciliationTest, AnUnbalancedTransactionIsADifference) {
  snapshot.transactions[0].sum = 5;
  EXPECT_EQ(count(), 1u) << report();
  EXPECT_NE(report().find("ledger transaction t1: does not balance: 3 line(s) summing to 5"), std::string::npos);
}

TEST_F(ReconciliationTest, ACaptureMissingFromTheLedgerOrOfAnotherAmountIsADifference) {
  snapshot.transactions[0].debits = 2900;
  EXPECT_NE(report().find("payment a: captured 2950 but ledger transaction t1 moves 2900"), std::string::npos)
      << report();
  snapshot.transactions.erase(snapshot.transactions.begin());
  EXPECT_NE(report().find("payment a: captured 2950 but the ledger has no capture"), std::string::npos) << report();
}

TEST_F(ReconciliationTest, RefundsThatDoNotAddUpAreDifferences) {
  snapshot.payments[1].refunded_amount = 500;  // the payment says more than its refunds
  EXPECT_NE(report().find("payment b: says 500 refunded but its succeeded refunds total 400"), std::string::npos)
      << report();
  EXPECT_NE(report().find("payment b: refunded 500 but 400 at sandbox"), std::string::npos) << report();
  snapshot.payments[1].refunded_amount = 400;
  snapshot.transactions.pop_back();  // a refund never posted
  EXPECT_NE(report().find("refund r-b: succeeded but has 0 ledger transaction(s) instead of 1"), std::string::npos)
      << report();
}

TEST_F(ReconciliationTest, AStatusThatContradictsTheAmountsIsADifference) {
  snapshot.payments[0].status = PaymentStatus::Refunded;
  EXPECT_NE(report().find("payment a: is refunded with 0 refunded"), std::string::npos) << report();
  EXPECT_NE(report().find("payment a: is refunded but only 0 of 2950 went back"), std::string::npos) << report();
}

TEST_F(ReconciliationTest, TheProcessorSayingOtherwiseIsADifference) {
  processor.records[0].status = "voided";
  processor.records[0].captured = 0;
  EXPECT_NE(report().find("payment a: is captured but voided at sandbox (expected captured)"), std::string::npos)
      << report();
  EXPECT_NE(report().find("payment a: captured 2950 but 0 at sandbox"), std::string::npos) << report();
  processor.records.push_back(ProviderRecord{"sbx_ghost", "z", "authorized", 700, "EUR", 0, 0, {}});
  EXPECT_NE(report().find("sandbox charge sbx_ghost: (payment z, authorized, 700 EUR) is not known to nelo"),
            std::string::npos)
      << report();
  processor.records.erase(processor.records.begin() + 1);  // b's charge is gone
  EXPECT_NE(report().find("payment b: is sbx_b at sandbox, which has no such charge"), std::string::npos) << report();
}

TEST_F(ReconciliationTest, PaymentsOfAnotherProviderAreNotComparedWithTheProcessor) {
  snapshot.payments[0].provider = "cash";
  snapshot.payments[0].method = PaymentMethod::Cash;
  snapshot.transactions[0].kind = "cash_collection";
  processor.records.erase(processor.records.begin());
  EXPECT_EQ(count(), 0u) << report();
}

}  // namespace
}  // namespace nelo::payments
