#include "modules/payments/services/payment_saga.hpp"

#include <boost/json/object.hpp>

#include <spdlog/spdlog.h>

#include <regex>
#include <stdexcept>

#include "core/db/errors.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/services/payment_events.hpp"
#include "modules/payments/state_machine.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr int kSweepBatch = 100;

// --- reading the orders module's events (docs/events.md, "Order events") ---

const json::value& field(const json::object& o, std::string_view name, std::string_view event) {
  const json::value* v = o.if_contains(name);
  if (!v) throw std::invalid_argument(std::string(event) + ": missing " + std::string(name));
  return *v;
}

std::string uuid_field(const json::object& o, std::string_view name, std::string_view event) {
  const json::value& v = field(o, name, event);
  if (!v.is_string() || !is_uuid(v.get_string())) {
    throw std::invalid_argument(std::string(event) + ": " + std::string(name) + " must be a UUID");
  }
  return std::string(v.get_string());
}

// A money object's amount ({amount, currency}) and its currency.
std::pair<std::int64_t, std::string> money_field(const json::object& o, std::string_view name, std::string_view event) {
  const json::value& v = field(o, name, event);
  const json::object* m = v.if_object();
  const json::value* amount = m ? m->if_contains("amount") : nullptr;
  const json::value* currency = m ? m->if_contains("currency") : nullptr;
  if (!amount || !amount->is_int64() || amount->get_int64() < 0 || !currency || !currency->is_string()) {
    throw std::invalid_argument(std::string(event) + ": " + std::string(name) + " must be {amount, currency}");
  }
  return {amount->get_int64(), std::string(currency->get_string())};
}

NewPayment payment_of_order_created(const events::Event& e, const ProviderDirectory& providers) {
  const json::object& o = e.payload;
  NewPayment n;
  n.id = new_uuid_v7();
  n.order_id = uuid_field(o, "order_id", e.name);
  n.customer_id = uuid_field(o, "customer_id", e.name);
  n.merchant_id = uuid_field(o, "merchant_id", e.name);
  n.merchant_owner_id = uuid_field(o, "merchant_owner_id", e.name);
  const json::value& method = field(o, "payment_method", e.name);
  const auto parsed = method.is_string() ? parse_payment_method(method.get_string()) : std::nullopt;
  if (!parsed) throw std::invalid_argument(e.name + ": payment_method must be card or cash");
  n.method = *parsed;
  n.provider = std::string(providers.for_method(n.method).name());
  const json::value& pricing = field(o, "pricing", e.name);
  if (!pricing.is_object()) throw std::invalid_argument(e.name + ": pricing must be an object");
  const json::object& p = pricing.get_object();
  std::tie(n.amount, n.currency) = money_field(p, "total", e.name);
  n.subtotal = money_field(p, "subtotal", e.name).first;
  n.delivery_fee = money_field(p, "delivery_fee", e.name).first;
  n.service_fee = money_field(p, "service_fee", e.name).first;
  return n;
}

// The schema's shapes for a decline: a code of [a-z0-9_], a message of 1 to 500 characters.
std::string decline_code(const std::optional<std::string>& code) {
  static const std::regex kCode("^[a-z][a-z0-9_]{0,63}$");
  if (code && std::regex_match(*code, kCode)) return *code;
  return "declined";
}

std::string decline_message(const std::optional<std::string>& message) {
  if (!message || message->empty()) return "The payment was declined.";
  return message->substr(0, 500);
}

std::optional<std::string> last4_of(const std::optional<std::string>& last4) {
  static const std::regex kLast4("^[0-9]{4}$");
  if (last4 && std::regex_match(*last4, kLast4)) return last4;
  return std::nullopt;
}

std::optional<std::string> brand_of(const std::optional<std::string>& brand) {
  if (brand && !brand->empty() && brand->size() <= 40) return brand;
  return std::nullopt;
}

std::optional<std::string> url_of(const std::optional<std::string>& url) {
  if (url && !url->empty() && url->size() <= 500) return url;
  return std::nullopt;
}

LedgerParties parties_of(const PaymentRecord& p, std::optional<std::string> driver_id = std::nullopt) {
  return LedgerParties{p.customer_id, p.merchant_id, std::move(driver_id)};
}

}  // namespace

PaymentSaga::PaymentSaga(db::ModuleDb& db, db::GroupCommit& answers, events::EventBus& bus,
                         PaymentRepository& payments, LedgerRepository& ledger, ProviderDirectory& providers,
                         SagaSettings settings, const Clock& clock, DeliveryInterface* deliveries)
    : db_(db),
      answers_(answers),
      bus_(bus),
      payments_(payments),
      ledger_(ledger),
      providers_(providers),
      settings_(settings),
      clock_(clock),
      deliveries_(deliveries) {}

asio::awaitable<void> PaymentSaga::publish(db::Transaction& tx, const PaymentRecord& payment, PaymentStatus to,
                                           int version, const PaymentChange& change, std::string_view event) {
  const PaymentSnapshot moved{payment.id, payment.order_id, to, payment.amount, payment.currency, version};
  co_await publish(tx, moved, change, event);
}

asio::awaitable<void> PaymentSaga::publish(db::CommitWriter& tx, const PaymentSnapshot& moved,
                                           const PaymentChange& change, std::string_view event) {
  json::object payload = payment_event_payload(moved, change);
  co_await bus_.publish(tx, std::string(event), 1, std::move(payload));
}

asio::awaitable<void> PaymentSaga::fail(db::Transaction& tx, const PaymentRecord& payment, ActorKind actor,
                                        std::string code, std::string message) {
  const Transition& t = resolve_transition(payment.status, PaymentAction::Fail, actor);
  PaymentChange change;
  change.failure_code = std::move(code);
  change.failure_message = std::move(message);
  const int version = co_await payments_.move(tx, payment.id, payment.status, t.to, change);
  co_await publish(tx, payment, t.to, version, change, t.event);
}

asio::awaitable<void> PaymentSaga::authorize_card(PaymentOrderDto order, std::string card_token) {
  NewPayment n;
  n.id = new_uuid_v7();
  n.order_id = order.order_id;
  n.customer_id = order.customer_id;
  n.merchant_id = order.merchant_id;
  n.merchant_owner_id = order.merchant_owner_id;
  n.method = PaymentMethod::Card;
  n.provider = std::string(providers_.for_method(PaymentMethod::Card).name());
  n.currency = order.total.currency;
  n.amount = order.total.amount;
  n.subtotal = order.subtotal;
  n.delivery_fee = order.delivery_fee;
  n.service_fee = order.service_fee;

  // 1. The payment exists and the call is recorded as asked, committed, before the provider hears
  // of it: a crash from here on leaves a row the sweep settles.
  std::optional<ClaimedAuthorization> claimed;
  try {
    claimed = co_await payments_.claim_authorization(n);
  } catch (...) {
    security::wipe(card_token);
    throw;
  }
  if (!claimed) {
    security::wipe(card_token);
    co_return;  // asked once already, or settled (the order was cancelled first)
  }

  // 2. The provider, keyed by the payment id. The token goes in and is wiped by the provider.
  PaymentProvider& provider = providers_.named(claimed->provider);
  AuthorizationRequest request{claimed->id, order.total, std::move(card_token)};
  security::wipe(card_token);
  const AuthorizationOutcome outcome = co_await provider.authorize(std::move(request));

  // 3. Its answer and the move it makes, if the payment still awaits it, committed with the answers
  // other requests got meanwhile (db::GroupCommit). A webhook may have got here first (then it
  // found no reference and was ignored, or it adopted the payment and moved it), or the order may
  // have been cancelled meanwhile (then a hold is released).
  PaymentAction action = PaymentAction::Authorize;
  PaymentChange change;
  switch (outcome.kind) {
    case AuthorizationOutcome::Kind::Authorized: break;
    case AuthorizationOutcome::Kind::Declined:
      action = PaymentAction::Fail;
      change.failure_code = decline_code(outcome.decline_code);
      change.failure_message = decline_message(outcome.decline_message);
      break;
    case AuthorizationOutcome::Kind::Pending:
    case AuthorizationOutcome::Kind::RequiresAction:
      break;  // the answer comes by webhook
  }
  const bool final_answer = outcome.kind == AuthorizationOutcome::Kind::Authorized ||
                            outcome.kind == AuthorizationOutcome::Kind::Declined;
  const Transition* move =
      final_answer ? &resolve_transition(PaymentStatus::RequiresAuthorization, action, ActorKind::Provider) : nullptr;
  const PaymentStatus to = move ? move->to : PaymentStatus::RequiresAuthorization;
  ProviderAnswer answer{outcome.reference, brand_of(outcome.card_brand), last4_of(outcome.card_last4),
                        url_of(outcome.action_url)};
  bool awaited = true;
  try {
    auto tx = answers_.begin();
    payments_.answer_at_commit(tx, *claimed, answer, to, change);
    if (move) {
      const PaymentSnapshot moved{claimed->id, n.order_id, to, n.amount, n.currency, claimed->version + 1};
      co_await publish(tx, moved, change, move->event);
    }
    co_await tx.commit();
  } catch (const db::DatabaseError& e) {
    if (e.sqlstate() != kAnswerNotAwaited) throw;
    awaited = false;
  }
  if (!awaited) {
    auto tx = co_await db_.begin();
    auto current = co_await payments_.lock_by_order(tx, n.order_id);
    co_await tx.commit();
    if (outcome.kind == AuthorizationOutcome::Kind::Authorized && current &&
        current->status == PaymentStatus::Voided) {
      co_await provider.void_authorization(outcome.reference);
    }
    co_return;
  }
  spdlog::info("payments: order {} card authorization: payment {} {}", n.order_id, claimed->id,
               outcome.kind == AuthorizationOutcome::Kind::Authorized   ? "authorized"
               : outcome.kind == AuthorizationOutcome::Kind::Declined   ? "declined"
               : outcome.kind == AuthorizationOutcome::Kind::Pending    ? "pending"
                                                                        : "awaiting the customer's confirmation");
}

asio::awaitable<void> PaymentSaga::on_order_created(db::Transaction& tx, const events::Event& event) {
  const NewPayment n = payment_of_order_created(event, providers_);
  co_await payments_.insert_if_missing(tx, n);
}

asio::awaitable<void> PaymentSaga::on_order_ended(db::Transaction& tx, const events::Event& event) {
  const std::string order_id = uuid_field(event.payload, "order_id", event.name);
  auto payment = co_await payments_.lock_by_order(tx, order_id);
  if (!payment) throw std::runtime_error("payments: no payment for order " + order_id + " yet (" + event.name + ")");
  switch (payment->status) {
    case PaymentStatus::RequiresAuthorization:
    case PaymentStatus::Authorized: {
      const Transition& t = resolve_transition(payment->status, PaymentAction::Void, ActorKind::System);
      if (payment->provider_reference) {
        PaymentProvider& provider = providers_.named(payment->provider);
        const OperationOutcome voided = co_await provider.void_authorization(*payment->provider_reference);
        // Still deciding at the provider, a refused void of a pending payment means it settled
        // meanwhile: its webhook decides, and this event is tried again after it.
        if (!voided.succeeded) {
          throw std::runtime_error("payments: the provider refused to void payment " + payment->id + ": " +
                                   voided.failure_message.value_or("no reason given"));
        }
      }
      PaymentChange change;
      const int version = co_await payments_.move(tx, payment->id, payment->status, t.to, change);
      co_await publish(tx, *payment, t.to, version, change, t.event);
      break;
    }
    case PaymentStatus::Captured:
    case PaymentStatus::PartiallyRefunded:
      // The orders machine ends no order after its delivery (the capture): an admin refunds it.
      spdlog::error("payments: order {} {} after its payment {} was captured: refund it by hand", order_id,
                    event.name == "order.cancelled" ? "was cancelled" : "was rejected", payment->id);
      break;
    case PaymentStatus::Refunded:
    case PaymentStatus::Failed:
    case PaymentStatus::Voided:
      break;  // nothing held
  }
}

asio::awaitable<void> PaymentSaga::on_order_delivered(db::Transaction& tx, const events::Event& event) {
  const std::string order_id = uuid_field(event.payload, "order_id", event.name);
  auto payment = co_await payments_.lock_by_order(tx, order_id);
  if (!payment) throw std::runtime_error("payments: no payment for order " + order_id + " yet (order.delivered)");
  const CaptureSplit split =
      split_amount(payment->subtotal, payment->delivery_fee, payment->service_fee, settings_.commission_bps);
  PaymentChange change;
  change.captured_amount = payment->amount;
  if (payment->method == PaymentMethod::Cash) {
    if (payment->status != PaymentStatus::RequiresAuthorization) co_return;  // recorded already
    const Transition& t = resolve_transition(payment->status, PaymentAction::Collect, ActorKind::System);
    std::optional<std::string> driver_id;
    if (deliveries_) {
      auto delivery = co_await deliveries_->get_delivery_for_order(order_id);
      if (delivery && delivery->driver) driver_id = delivery->driver->id;
    }
    const int version = co_await payments_.move(tx, payment->id, payment->status, t.to, change);
    const LedgerPosting posting = cash_collection_posting(parties_of(*payment, driver_id), payment->currency, split);
    co_await ledger_.post(tx, payment->id, std::nullopt, posting);
    co_await publish(tx, *payment, t.to, version, change, t.event);
    co_return;
  }
  if (payment->status != PaymentStatus::Authorized) {
    if (payment->status == PaymentStatus::RequiresAuthorization) {
      throw std::runtime_error("payments: order " + order_id + " was delivered before its card was authorized");
    }
    co_return;  // captured already (a redelivery), or nothing to capture
  }
  const Transition& t = resolve_transition(payment->status, PaymentAction::Capture, ActorKind::System);
  PaymentProvider& provider = providers_.named(payment->provider);
  const Money amount{payment->amount, payment->currency};
  const OperationOutcome captured = co_await provider.capture(payment->provider_reference.value_or(""), amount);
  if (!captured.succeeded) {
    throw std::runtime_error("payments: the provider refused to capture payment " + payment->id + ": " +
                             captured.failure_message.value_or("no reason given"));
  }
  const int version = co_await payments_.move(tx, payment->id, payment->status, t.to, change);
  const LedgerPosting posting = capture_posting(parties_of(*payment), payment->currency, split);
  co_await ledger_.post(tx, payment->id, std::nullopt, posting);
  co_await publish(tx, *payment, t.to, version, change, t.event);
}

asio::awaitable<int> PaymentSaga::sweep() {
  const Timestamp now = clock_.now();
  auto tx = co_await db_.begin();
  const Timestamp unanswered_before = now - settings_.authorization_timeout;
  const Timestamp unconfirmed_before = now - settings_.action_timeout;
  auto stale = co_await payments_.lock_stale_authorizations(tx, unanswered_before, unconfirmed_before, kSweepBatch);
  int failed = 0;
  for (const auto& payment : stale) {
    if (payment.provider_reference) {
      PaymentProvider& provider = providers_.named(payment.provider);
      const OperationOutcome voided = co_await provider.void_authorization(*payment.provider_reference);
      if (!voided.succeeded) continue;  // the provider decided meanwhile: its webhook settles it
      co_await fail(tx, payment, ActorKind::System, "confirmation_timeout",
                    "The card payment was not confirmed in time. No money was taken; please order again.");
    } else {
      co_await fail(tx, payment, ActorKind::System, "authorization_timeout",
                    "We could not get an answer about your card in time. No money was taken; please order again.");
    }
    ++failed;
  }
  co_await tx.commit();
  if (failed > 0) spdlog::warn("payments: the sweep failed {} card payment(s) that got no answer in time", failed);
  co_return failed;
}

}  // namespace nelo::payments
