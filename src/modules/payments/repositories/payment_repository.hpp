#pragma once
// Every SQL statement on payments.payments and payments.provider_events that the webhook path
// needs, run in the caller's transaction.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "core/time.hpp"
#include "modules/payments/payment_models.hpp"

namespace nelo::payments {

// What the webhook path reads of a payment, locked for the rest of the transaction.
struct LockedPayment {
  std::string id;
  std::string order_id;
  PaymentStatus status = PaymentStatus::RequiresAuthorization;
  std::int64_t amount = 0;
  std::string currency;
  int version = 1;
};

// What a move changes besides the status (each only where it applies).
struct PaymentChange {
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> failure_code;
  std::optional<std::string> failure_message;
};

class PaymentRepository {
 public:
  // Records the provider's event as seen (outcome 'ignored' until mark_event says otherwise).
  // False when it was already recorded: a replay, or the same event delivered twice at once (the
  // second waits for the first's commit, then finds its row).
  boost::asio::awaitable<bool> record_event(db::Transaction& tx, const std::string& provider,
                                            const std::string& event_id, const std::string& type,
                                            std::optional<Timestamp> occurred_at);
  boost::asio::awaitable<void> mark_event(db::Transaction& tx, const std::string& provider, const std::string& event_id,
                                          bool applied, const std::optional<std::string>& payment_id);

  // The payment the provider knows as `reference`, locked (FOR UPDATE); nullopt when none is.
  boost::asio::awaitable<std::optional<LockedPayment>> lock_by_reference(db::Transaction& tx,
                                                                         const std::string& provider,
                                                                         const std::string& reference);

  // from -> to, with the change; returns the new version. Throws std::logic_error when the
  // payment was not in `from` (the caller holds its lock, so that is a bug).
  boost::asio::awaitable<int> move(db::Transaction& tx, const std::string& id, PaymentStatus from, PaymentStatus to,
                                   const PaymentChange& change);
};

}  // namespace nelo::payments
