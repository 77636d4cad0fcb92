#pragma once
// `nelo payments reconcile`: checks payments, refunds and the ledger against each other, and
// against the provider's own records when they are at hand, and lists every difference. Pure
// logic over a snapshot (LedgerReportRepository::snapshot()): no database, no clock.
//
// What must agree:
//   - every ledger transaction balances (at least two lines summing to zero) and is in its
//     payment's currency;
//   - a payment has money captured exactly when it has one capture (card) or cash collection
//     (cash) transaction, moving exactly the captured amount;
//   - a payment's refunded amount is the sum of its refunds that succeeded; each succeeded refund
//     has exactly one refund transaction moving its amount, a failed or pending one none;
//   - the status agrees with the amounts (captured in captured/partially_refunded/refunded only,
//     refunded exactly all of it in refunded, part of it in partially_refunded);
//   - with the provider's records: each payment the provider knows (by its reference) is known
//     there with the same payment id, amount, currency, captured and refunded amounts, a state
//     that says the same, and the same refunds; and the provider holds no charge nelo does not
//     know.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/payments/repositories/ledger_report_repository.hpp"

namespace nelo::payments {

// A provider's record of one payment (a charge), in its own words.
struct ProviderRecord {
  std::string reference;
  std::string payment_id;
  // requires_action | processing | authorized | declined | captured | voided
  std::string status;
  std::int64_t amount = 0;
  std::string currency;
  std::int64_t captured = 0;
  std::int64_t refunded = 0;
  struct Refund {
    std::string refund_id;  // nelo's refund id
    std::int64_t amount = 0;
  };
  std::vector<Refund> refunds;
};

// The provider's records, for payments of provider `provider` only.
struct ProviderRecords {
  std::string provider;
  std::vector<ProviderRecord> records;
};

struct Difference {
  std::string subject;  // "payment <id>", "ledger transaction <id>", "sandbox charge <reference>"
  std::string message;
};

struct ReconciliationReport {
  std::size_t payments = 0;
  std::size_t refunds = 0;
  std::size_t transactions = 0;
  std::size_t provider_records = 0;
  std::vector<Difference> differences;
};

ReconciliationReport reconcile(const PaymentsSnapshot& snapshot, const std::optional<ProviderRecords>& provider);

// The report as text: a summary line, then one line per difference.
std::string to_text(const ReconciliationReport& report);

}  // namespace nelo::payments
