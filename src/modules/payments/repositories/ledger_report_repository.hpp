#pragma once
// Reading the ledger and the payments as a whole, for the balances report and reconciliation.
// Read-only statements; a snapshot() runs in one REPEATABLE READ transaction, so its parts agree
// with each other while payments keep moving.

#include <boost/asio/awaitable.hpp>

#include <vector>

#include "core/db/module_db.hpp"
#include "modules/payments/ledger_report.hpp"
#include "modules/payments/payment_record.hpp"

namespace nelo::payments {

// Everything reconciliation compares: every payment with its refunds, every ledger transaction.
struct PaymentsSnapshot {
  std::vector<PaymentView> payments;
  std::vector<LedgerTransactionSummary> transactions;
};

class LedgerReportRepository {
 public:
  explicit LedgerReportRepository(db::ModuleDb& db) : db_(db) {}

  boost::asio::awaitable<LedgerBalances> balances();
  boost::asio::awaitable<PaymentsSnapshot> snapshot();

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::payments
