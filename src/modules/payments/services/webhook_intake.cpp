#include "modules/payments/services/webhook_intake.hpp"

#include <boost/json/object.hpp>

#include <regex>

#include "core/errors.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/services/payment_events.hpp"
#include "modules/payments/state_machine.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The provider-initiated moves; anything else a provider reports (a capture or refund the
// platform itself asked for) changes nothing here.
std::optional<PaymentAction> action_for(std::string_view type) {
  if (type == "payment.authorized") return PaymentAction::Authorize;
  if (type == "payment.failed") return PaymentAction::Fail;
  if (type == "payment.voided") return PaymentAction::Void;
  return std::nullopt;
}

// The schema's shapes: a code of [a-z0-9_], a message of 1 to 500 characters, last4 of 4 digits.
std::string failure_code(const ProviderEvent& e) {
  static const std::regex kCode("^[a-z][a-z0-9_]{0,63}$");
  if (e.decline_code && std::regex_match(*e.decline_code, kCode)) return *e.decline_code;
  return "declined";
}

std::string failure_message(const ProviderEvent& e) {
  if (!e.decline_message || e.decline_message->empty()) return "The payment was declined.";
  return e.decline_message->substr(0, 500);
}

std::optional<std::string> last4(const ProviderEvent& e) {
  static const std::regex kLast4("^[0-9]{4}$");
  if (e.card_last4 && std::regex_match(*e.card_last4, kLast4)) return e.card_last4;
  return std::nullopt;
}

std::optional<std::string> brand(const ProviderEvent& e) {
  if (e.card_brand && !e.card_brand->empty() && e.card_brand->size() <= 40) return e.card_brand;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(WebhookReceipt::Outcome outcome) noexcept {
  switch (outcome) {
    case WebhookReceipt::Outcome::Applied: return "applied";
    case WebhookReceipt::Outcome::Ignored: return "ignored";
    case WebhookReceipt::Outcome::Duplicate: return "duplicate";
  }
  return "unknown";
}

WebhookIntake::WebhookIntake(db::ModuleDb& db, events::EventBus& bus, PaymentRepository& payments,
                             const Clock& clock)
    : db_(db), bus_(bus), payments_(payments), clock_(clock) {}

void WebhookIntake::add_provider(PaymentProvider& provider) { providers_[std::string(provider.name())] = &provider; }

PaymentProvider& WebhookIntake::provider_named(std::string_view name) const {
  auto it = providers_.find(name);
  if (it == providers_.end() || it->second->signature_header().empty()) {
    throw NotFound("No payment provider sends webhooks by that name");
  }
  return *it->second;
}

std::string_view WebhookIntake::signature_header(std::string_view provider) const {
  return provider_named(provider).signature_header();
}

asio::awaitable<WebhookReceipt> WebhookIntake::receive(std::string provider_name, std::string signature_header,
                                                       std::string body) {
  PaymentProvider& provider = provider_named(provider_name);
  WebhookVerdict verdict = provider.parse_webhook(signature_header, body, clock_.now());
  switch (verdict.check) {
    case SignatureCheck::Valid: break;
    case SignatureCheck::Stale:
      throw BadRequest("The webhook's signature is too old or too far ahead (more than the tolerance from now)");
    case SignatureCheck::Malformed:
    case SignatureCheck::Mismatch:
      throw Unauthorized("The webhook's signature is missing or not valid for this body");
  }
  const ProviderEvent& event = *verdict.event;
  const auto action = action_for(event.type);

  // Most webhooks bring news the payment already has: the authorization's own answer recorded it,
  // or the provider sent it twice. Statuses only move forward, so news that cannot apply to the
  // payment now, nor to any status it may still reach, never will: it is recorded as ignored in
  // one statement, with no lock taken.
  if (!event.reference.empty()) {
    const auto seen = co_await payments_.find_by_reference(db_, provider_name, event.reference);
    if (seen && (!action || !may_ever_apply(seen->status, *action, ActorKind::Provider))) {
      const bool recorded =
          co_await payments_.record_ignored_event(provider_name, event.id, event.type, event.occurred_at, seen->id);
      WebhookReceipt receipt{recorded ? WebhookReceipt::Outcome::Ignored : WebhookReceipt::Outcome::Duplicate,
                             event.id};
      co_return receipt;
    }
  }

  WebhookReceipt receipt{WebhookReceipt::Outcome::Duplicate, event.id};
  auto tx = co_await db_.begin();
  if (!co_await payments_.record_event(tx, provider_name, event.id, event.type, event.occurred_at)) {
    co_return receipt;  // applied (or ignored) once already: nothing to commit
  }
  receipt.outcome = WebhookReceipt::Outcome::Ignored;
  auto payment = co_await payments_.lock_by_reference(tx, provider_name, event.reference);
  // A payment whose reference was never recorded (the server stopped between the provider's
  // answer and its record, or this webhook overtook the record): found by the id the provider
  // echoes, and given its reference, so that the provider's news still reaches it.
  if (!payment && event.payment_id && !event.reference.empty() && event.reference.size() <= 200) {
    payment = co_await payments_.lock_unreferenced(tx, provider_name, *event.payment_id);
    if (payment) {
      co_await payments_.adopt_reference(tx, payment->id, event.reference);
    } else {
      // The authorization's answer held the row and committed its reference while this waited
      // for the lock: the payment is found by reference now, and the event is recorded about it.
      payment = co_await payments_.lock_by_reference(tx, provider_name, event.reference);
    }
  }
  const Transition* move = payment && action ? find_transition(payment->status, *action) : nullptr;
  if (move && move->allows(ActorKind::Provider)) {
    PaymentChange change;
    change.card_brand = brand(event);
    change.card_last4 = last4(event);
    if (move->to == PaymentStatus::Failed) {
      change.failure_code = failure_code(event);
      change.failure_message = failure_message(event);
    }
    const int version = co_await payments_.move(tx, payment->id, payment->status, move->to, change);
    const PaymentSnapshot moved{payment->id, payment->order_id, move->to, payment->amount, payment->currency, version};
    json::object payload = payment_event_payload(moved, change);
    co_await bus_.publish(tx, std::string(move->event), 1, std::move(payload));
    receipt.outcome = WebhookReceipt::Outcome::Applied;
  }
  const bool applied = receipt.outcome == WebhookReceipt::Outcome::Applied;
  std::optional<std::string> payment_id;
  if (payment) payment_id = payment->id;
  co_await payments_.mark_event(tx, provider_name, event.id, applied, payment_id);
  co_await tx.commit();
  co_return receipt;
}

}  // namespace nelo::payments
