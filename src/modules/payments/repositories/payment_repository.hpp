#pragma once
// Every SQL statement on payments.payments and payments.provider_events that the webhook path and
// the saga need, run in the caller's transaction.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "core/db/batched_lookup.hpp"
#include "core/db/batched_write.hpp"
#include "core/db/commit_writer.hpp"
#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "core/time.hpp"
#include "modules/payments/payment_models.hpp"

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::payments {

// A payment's identity, status, amount and version: what the webhook path reads of it (locked for
// the rest of the transaction, where the method says so), and what a payment.* event tells of it
// after a move.
struct PaymentSnapshot {
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
  std::optional<std::int64_t> captured_amount;  // capture, collect
};

// A payment as the saga works on it.
struct PaymentRecord {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  PaymentMethod method = PaymentMethod::Card;
  std::string provider;
  std::optional<std::string> provider_reference;
  PaymentStatus status = PaymentStatus::RequiresAuthorization;
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t subtotal = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t service_fee = 0;
  std::int64_t captured_amount = 0;
  std::int64_t refunded_amount = 0;
  int version = 1;
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> failure_code;
  std::optional<std::string> failure_message;
  std::optional<std::string> action_url;
  std::optional<Timestamp> authorization_requested_at;
};

// A payment to create with its order (status requires_authorization).
struct NewPayment {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;
  PaymentMethod method = PaymentMethod::Card;
  std::string provider;
  std::string currency;
  std::int64_t amount = 0;
  std::int64_t subtotal = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t service_fee = 0;
};

// What the provider said to an authorization that is not final yet (or final: brand and last4).
struct ProviderAnswer {
  std::string reference;
  std::optional<std::string> card_brand;
  std::optional<std::string> card_last4;
  std::optional<std::string> action_url;
};

// A payment the caller may now ask its provider to authorize, at the version it was claimed at.
struct ClaimedAuthorization {
  std::string id;
  std::string provider;
  int version = 1;
};

// What answer_at_commit's statement raises when a payment of its group no longer awaits the answer
// (migration 0005): the group's commit fails with this SQLSTATE for the transaction of that answer.
inline constexpr std::string_view kAnswerNotAwaited = "NP409";

class PaymentRepository {
 public:
  // Reads of an order's payment are batched (db::BatchedLookup) on `executor`, and counted in
  // `metrics` when given.
  PaymentRepository(db::ModuleDb& db, boost::asio::any_io_executor executor, metrics::Registry* metrics = nullptr);

  // Records the provider's event as seen (outcome 'ignored' until mark_event says otherwise).
  // False when it was already recorded: a replay, or the same event delivered twice at once (the
  // second waits for the first's commit, then finds its row).
  boost::asio::awaitable<bool> record_event(db::Transaction& tx, const std::string& provider,
                                            const std::string& event_id, const std::string& type,
                                            std::optional<Timestamp> occurred_at);
  boost::asio::awaitable<void> mark_event(db::Transaction& tx, const std::string& provider, const std::string& event_id,
                                          bool applied, const std::optional<std::string>& payment_id);

  // The provider's event recorded as ignored (about `payment_id`), in a statement committed on its
  // own, which concurrent calls share (db::BatchedWrite); false when it was already recorded (a
  // replay).
  boost::asio::awaitable<bool> record_ignored_event(const std::string& provider,
                                                    const std::string& event_id, const std::string& type,
                                                    std::optional<Timestamp> occurred_at,
                                                    const std::string& payment_id);

  // The payment the provider knows as `reference`, read without a lock on a shared connection;
  // nullopt when none is.
  boost::asio::awaitable<std::optional<PaymentSnapshot>> find_by_reference(db::ModuleDb& db,
                                                                          const std::string& provider,
                                                                          const std::string& reference);
  // The payment the provider knows as `reference`, locked (FOR UPDATE); nullopt when none is.
  boost::asio::awaitable<std::optional<PaymentSnapshot>> lock_by_reference(db::Transaction& tx,
                                                                         const std::string& provider,
                                                                         const std::string& reference);

  // The order's payment, unless it exists already (a redelivered order.created, or the placement
  // request got there first): true when this call created it.
  boost::asio::awaitable<bool> insert_if_missing(db::Transaction& tx, const NewPayment& payment);

  // The order's payment, locked (FOR UPDATE); nullopt when none exists.
  boost::asio::awaitable<std::optional<PaymentRecord>> lock_by_order(db::Transaction& tx, const std::string& order_id);
  // The order's payment, read without a lock; concurrent calls share statements
  // (db::BatchedLookup): this is GET /orders/{id}'s question to payments. nullopt for a bad id.
  boost::asio::awaitable<std::optional<PaymentRecord>> find_by_order(const std::string& order_id);

  // The order's payment, created or found, recorded as asked of its provider, in a statement
  // committed on its own (before the call: a crash from then on leaves a row the sweep settles),
  // which concurrent claims share (db::BatchedWrite). nullopt when the provider must not be asked:
  // it was asked once already, or the payment is settled (the order was cancelled first).
  boost::asio::awaitable<std::optional<ClaimedAuthorization>> claim_authorization(const NewPayment& payment);
  // Queues, for `tx`'s commit, the provider's answer to the authorization of `claimed` and the move
  // it makes, `to` (requires_authorization: none, while the provider decides or the customer
  // confirms). The commit fails with kAnswerNotAwaited if the payment no longer awaits the answer
  // at the version it was claimed at (a webhook, the sweep or a cancellation settled it first). A
  // row statement: the answers of a group commit go in one statement.
  void answer_at_commit(db::CommitWriter& tx, const ClaimedAuthorization& claimed, const ProviderAnswer& answer,
                        PaymentStatus to, const PaymentChange& change);

  // Card payments still requires_authorization, locked, skipping those locked elsewhere: with no
  // provider reference and created before `unanswered_before` (the token was lost, or the call
  // never answered), or with one and created before `unconfirmed_before` (3-D Secure never done).
  boost::asio::awaitable<std::vector<PaymentRecord>> lock_stale_authorizations(db::Transaction& tx,
                                                                               Timestamp unanswered_before,
                                                                               Timestamp unconfirmed_before,
                                                                               int limit);

  // A payment of `provider` with no reference yet, by id, locked: the one a webhook names by its
  // payment id when the provider's answer was never recorded. nullopt otherwise (or for a bad id).
  boost::asio::awaitable<std::optional<PaymentSnapshot>> lock_unreferenced(db::Transaction& tx,
                                                                         const std::string& provider,
                                                                         const std::string& payment_id);
  // Records the provider's reference of a payment that had none.
  boost::asio::awaitable<void> adopt_reference(db::Transaction& tx, const std::string& id,
                                               const std::string& reference);

  // from -> to, with the change; returns the new version. Throws std::logic_error when the
  // payment was not in `from` (the caller holds its lock, so that is a bug).
  boost::asio::awaitable<int> move(db::Transaction& tx, const std::string& id, PaymentStatus from, PaymentStatus to,
                                   const PaymentChange& change);
 private:
  db::BatchedLookup by_order_;
  db::BatchedWrite claims_;
  db::BatchedWrite ignored_events_;
};

}  // namespace nelo::payments
