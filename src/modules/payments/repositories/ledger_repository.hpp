#pragma once
// Every SQL statement on payments.ledger_transactions and payments.ledger_lines, run in the
// caller's transaction: the one that moves the payment, so that money and ledger move together.
// The database checks each transaction's balance at commit and keeps the ledger append-only
// (migrations/0003_ledger.sql).

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "modules/payments/ledger/posting_rules.hpp"

namespace nelo::payments {

class LedgerRepository {
 public:
  // Writes `posting` as one ledger transaction of `payment_id` (and `refund_id` for a refund) and
  // returns its id. Throws std::invalid_argument for an unbalanced posting (before any SQL), and
  // db::UniqueViolation when the payment's capture (or this refund) was already posted.
  boost::asio::awaitable<std::string> post(db::Transaction& tx, const std::string& payment_id,
                                           const std::optional<std::string>& refund_id, const LedgerPosting& posting);

  // How the payment's capture (or cash collection) divided between the merchant and the platform,
  // read back from its lines (what a refund takes back in proportion); nullopt before it.
  boost::asio::awaitable<std::optional<CaptureSplit>> capture_split(db::Transaction& tx,
                                                                    const std::string& payment_id);
};

}  // namespace nelo::payments
