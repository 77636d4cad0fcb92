#include "modules/payments/services/payment_refunds.hpp"

#include <boost/json/object.hpp>

#include <stdexcept>

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/payments/ledger/posting_rules.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "modules/payments/repositories/refund_repository.hpp"
#include "modules/payments/state_machine.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::object money(std::int64_t amount, const std::string& currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

json::object refunded_payload(const PaymentView& p, const RefundRecord& r) {
  return json::object{{"payment_id", p.id},
                      {"order_id", p.order_id},
                      {"status", std::string(to_string(p.status))},
                      {"amount", money(p.amount, p.currency)},
                      {"version", p.version},
                      {"captured_amount", money(p.captured_amount, p.currency)},
                      {"refunded_amount", money(p.refunded_amount, p.currency)},
                      {"refund", json::object{{"id", r.id}, {"amount", money(r.amount, p.currency)},
                                              {"reason", r.reason}}}};
}

}  // namespace

PaymentRefunds::PaymentRefunds(db::ModuleDb& db, events::EventBus& bus, RefundRepository& refunds,
                               LedgerRepository& ledger)
    : db_(db), bus_(bus), refunds_(refunds), ledger_(ledger) {}

void PaymentRefunds::add_provider(PaymentProvider& provider) { providers_[std::string(provider.name())] = &provider; }

PaymentProvider& PaymentRefunds::provider_named(const std::string& name) const {
  auto it = providers_.find(name);
  if (it == providers_.end()) {
    throw ServiceUnavailable("The payment provider '" + name + "' is not available on this server");
  }
  return *it->second;
}

asio::awaitable<RefundResult> PaymentRefunds::refund(std::string payment_id, RefundRequest request,
                                                     db::CommitStep<RefundResult> commit) {
  const auto id = canonical_uuid(payment_id);
  if (!id) throw NotFound("The payment does not exist");
  auto tx = co_await db_.begin();
  auto locked = co_await refunds_.lock_payment(tx, *id);
  if (!locked) throw NotFound("Payment " + *id + " does not exist");
  PaymentView payment = std::move(*locked);

  // The state first (a payment never captured cannot be refunded, whatever the amount), then the
  // amount against what is left.
  resolve_transition(payment.status, PaymentAction::RefundPart, ActorKind::Admin);
  if (request.amount.currency != payment.currency) {
    throw ValidationError("amount.currency", "must be the payment's currency, " + payment.currency);
  }
  const PaymentAction action = refund_action(payment.captured_amount, payment.refunded_amount, request.amount.amount);
  const Transition& move = resolve_transition(payment.status, action, ActorKind::Admin);
  if (co_await refunds_.find(tx, request.refund_id)) {
    throw Conflict("refund-in-progress",
                   "A request with the same Idempotency-Key has just made this refund; send it again to get its answer");
  }
  if (!payment.provider_reference) {
    throw std::logic_error("payments: captured payment " + payment.id + " has no provider reference");
  }

  PaymentProvider& provider = provider_named(payment.provider);
  OperationOutcome done;
  try {
    done = co_await provider.refund(*payment.provider_reference, request.refund_id, request.amount);
  } catch (const ProviderUnavailable&) {
    throw ServiceUnavailable(
        "The payment provider did not answer; nothing was refunded. Send the same request again (same "
        "Idempotency-Key) to retry");
  }
  if (!done.succeeded) {
    throw Conflict("refund-refused", "The payment provider refused the refund: " +
                                         done.failure_message.value_or("no reason given"));
  }

  RefundRecord refund;
  refund.id = request.refund_id;
  refund.payment_id = payment.id;
  refund.amount = request.amount.amount;
  refund.reason = std::move(request.reason);
  refund.status = "succeeded";
  if (!done.reference.empty()) refund.provider_reference = done.reference.substr(0, 200);
  refund.requested_by = std::move(request.requested_by);
  refund.created_at = co_await refunds_.insert(tx, refund);

  const auto split = co_await ledger_.capture_split(tx, payment.id);
  if (!split) throw std::logic_error("payments: captured payment " + payment.id + " has no capture in the ledger");
  const LedgerParties parties{payment.customer_id, payment.merchant_id, std::nullopt};
  const LedgerPosting posting =
      refund_posting(parties, payment.currency, *split, payment.refunded_amount, refund.amount);
  const std::optional<std::string> refund_id = refund.id;
  co_await ledger_.post(tx, payment.id, refund_id, posting);

  const auto applied = co_await refunds_.apply(tx, payment.id, payment.status, move.to, refund.amount);
  payment.status = move.to;
  payment.refunded_amount += refund.amount;
  payment.version = applied.version;
  payment.updated_at = applied.updated_at;
  co_await bus_.publish(tx, std::string(move.event), 1, refunded_payload(payment, refund));

  RefundResult result{refund, std::move(payment)};
  co_await db::finish(tx, result, commit);
  co_return result;
}

}  // namespace nelo::payments
