#pragma once
// The payments side of the saga with orders (docs/api/payments.md, "The saga"). Every step is one
// transaction that moves the payment, writes its ledger lines and publishes its payment.* event
// together, and every provider call is keyed by the payment id (idempotent at the provider), so a
// crash between any two steps leaves something a retry or the sweep finishes:
//
//   card order placed   authorize_card() (the placement request, which alone holds the token):
//                       the payment row is committed first (requires_authorization, the call
//                       recorded as asked), then the provider is called, then its answer applied
//                       (authorized -> payment.authorized, declined -> payment.failed; pending and
//                       3-D Secure answers come later by webhook)
//   order.created       creates the payment if missing (cash, or a crash before the call)
//   order.cancelled,    voids the hold (authorized, or still deciding) -> payment.voided
//   order.rejected
//   order.delivered     card: captures at the provider; cash: records the driver's collection;
//                       both with their ledger lines -> payment.captured
//   sweep (periodic)    card payments never asked (token lost) or never answered after the
//                       authorization timeout, and those still awaiting the customer's confirmation
//                       after the action timeout (voided at the provider first), fail with a
//                       reason the customer can read -> payment.failed (the order is rejected)

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "core/db/group_commit.hpp"
#include "core/db/module_db.hpp"
#include "core/time.hpp"
#include "modules/payments/providers/provider_directory.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "modules/payments/repositories/payment_repository.hpp"
#include "shared/events/event.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/payment_interface.hpp"

namespace nelo::payments {

struct SagaSettings {
  int commission_bps = 1000;
  std::chrono::seconds authorization_timeout{60};
  std::chrono::seconds action_timeout{900};
};

class PaymentSaga {
 public:
  // `deliveries` (may be null) names the driver who collected a cash payment, for the ledger.
  // `answers` commits the providers' answers to authorizations (those of concurrent requests
  // together).
  PaymentSaga(db::ModuleDb& db, db::GroupCommit& answers, events::EventBus& bus, PaymentRepository& payments,
              LedgerRepository& ledger, ProviderDirectory& providers, SagaSettings settings, const Clock& clock,
              DeliveryInterface* deliveries);

  // PaymentInterface::authorize_card. The token is wiped on every path.
  boost::asio::awaitable<void> authorize_card(PaymentOrderDto order, std::string card_token);

  // Bus handlers, in the bus's transaction (which records the event in payments.inbox). They
  // throw to be retried: std::invalid_argument for a payload without the fields they need,
  // std::runtime_error when the order's payment does not exist yet (events are not ordered) or
  // the provider refused a void or a capture.
  boost::asio::awaitable<void> on_order_created(db::Transaction& tx, const events::Event& event);
  boost::asio::awaitable<void> on_order_ended(db::Transaction& tx, const events::Event& event);
  boost::asio::awaitable<void> on_order_delivered(db::Transaction& tx, const events::Event& event);

  // One pass of the sweep; returns how many payments it failed.
  boost::asio::awaitable<int> sweep();

 private:
  // payment.* for `payment`, now in `to` at `version`; or for `moved`, the payment after its move.
  boost::asio::awaitable<void> publish(db::Transaction& tx, const PaymentRecord& payment, PaymentStatus to,
                                       int version, const PaymentChange& change, std::string_view event);
  boost::asio::awaitable<void> publish(db::CommitWriter& tx, const PaymentSnapshot& moved, const PaymentChange& change,
                                       std::string_view event);
  boost::asio::awaitable<void> fail(db::Transaction& tx, const PaymentRecord& payment, ActorKind actor,
                                    std::string code, std::string message);

  db::ModuleDb& db_;
  db::GroupCommit& answers_;
  events::EventBus& bus_;
  PaymentRepository& payments_;
  LedgerRepository& ledger_;
  ProviderDirectory& providers_;
  SagaSettings settings_;
  const Clock& clock_;
  DeliveryInterface* deliveries_;
};

}  // namespace nelo::payments
