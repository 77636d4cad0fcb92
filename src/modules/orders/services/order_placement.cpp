#include "modules/orders/services/order_placement.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <exception>
#include <stdexcept>

#include "core/db/group_commit.hpp"
#include "core/uuid.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_checkout.hpp"
#include "modules/orders/services/order_events.hpp"
#include "modules/orders/services/order_workflow.hpp"
#include "modules/orders/state_machine.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

// A client error the check decided on, rendered to be stored as the key's answer: validation
// (422) and other 4xx. Not 409 and 429, which say "not now" rather than "never": a retry may
// succeed. nullopt for anything else.
std::optional<idempotency::StoredResponse> refusal(const std::exception_ptr& failure,
                                                   const PlacementResponses& responses) {
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    const int status = e.status();
    if (status >= 400 && status < 500 && status != 409 && status != 429) return responses.refused(e);
  } catch (...) {
  }
  return std::nullopt;
}

// What an awaited operation gave: its value or its exception, so that operations run side by side
// can all finish before one of their failures is chosen.
template <class T>
struct Settled {
  std::optional<T> value;
  std::exception_ptr failure;
};

template <class T>
asio::awaitable<Settled<T>> settle(asio::awaitable<T> operation) {
  Settled<T> out;
  try {
    out.value = co_await std::move(operation);
  } catch (...) {
    out.failure = std::current_exception();
  }
  co_return out;
}

Order new_order(const std::string& customer_id, const OrderRequest& request, CheckedOrder&& checked,
                CustomerSnapshot&& customer) {
  Order o;
  o.id = new_uuid_v7();
  o.customer_id = customer_id;
  o.merchant_id = checked.quote.merchant_id;
  o.merchant_owner_id = std::move(checked.merchant_owner_id);
  o.status = kInitialStatus;
  o.payment_method = request.payment->method;
  o.lines = std::move(checked.quote.lines);
  o.pricing = std::move(checked.quote.pricing);
  o.distance_m = checked.quote.distance_m;
  o.notes = request.notes;
  o.delivery_address = std::move(checked.delivery_address);
  o.merchant = std::move(checked.merchant);
  o.customer = std::move(customer);
  return o;
}

// What the key says, as the outcome of this request: the stored answer (Replay), or an error
// (Mismatch 422, InFlight 409). Fresh: `ours`, this request's own answer, which was stored.
PlacementOutcome answer(idempotency::Claim&& verdict, idempotency::StoredResponse&& ours) {
  PlacementOutcome outcome;
  switch (verdict.kind) {
    case idempotency::Claim::Kind::Fresh:
      outcome.response = std::move(ours);
      return outcome;
    case idempotency::Claim::Kind::Replay:
      outcome.response = std::move(*verdict.response);
      outcome.replayed = true;
      return outcome;
    case idempotency::Claim::Kind::Mismatch:
      throw idempotency::key_reused_error("order");
    case idempotency::Claim::Kind::InFlight: break;
  }
  throw idempotency::key_in_use_error();
}

}  // namespace

asio::awaitable<PlacementOutcome> OrderPlacement::place(std::string customer_id, IdempotencyRequest idempotency,
                                                        std::function<OrderRequest()> read_request,
                                                        const PlacementResponses& responses) {
  auto claim = co_await keys_.claim(customer_id, std::move(idempotency.key), std::move(idempotency.fingerprint));
  if (claim.kind != idempotency::Claim::Kind::Fresh) co_return answer(std::move(claim), {});

  // 1. The body and the checks (reads only). A client error is the key's final answer; anything
  //    else is thrown, and leaves the key unused.
  OrderRequest request;
  std::optional<CheckedOrder> checked;
  std::optional<CustomerSnapshot> customer;
  std::exception_ptr failure;
  try {
    request = read_request();
    if (!request.payment) throw std::logic_error("orders: placing an order needs a payment method");
    // The profile and the checks side by side (their reads are independent); a missing profile
    // (503) still wins over the checks' verdict, as if it had been read first.
    using namespace asio::experimental::awaitable_operators;
    auto customer_read = settle(checkout_.customer(customer_id));
    auto check_read = settle(checkout_.check(customer_id, request));
    auto both = co_await (std::move(customer_read) && std::move(check_read));
    auto& [customer_result, check_result] = both;
    if (customer_result.failure) std::rethrow_exception(customer_result.failure);
    if (check_result.failure) std::rethrow_exception(check_result.failure);
    customer = std::move(customer_result.value);
    checked = std::move(check_result.value);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    auto refused = refusal(failure, responses);
    if (!refused) std::rethrow_exception(failure);
    auto verdict = co_await keys_.record(claim, *refused);
    co_return answer(std::move(verdict), std::move(*refused));
  }

  // 2. The order, its events and the key's answer, in one transaction.
  co_return co_await write(customer_id, std::move(request), std::move(*checked), std::move(*customer), claim,
                           responses);
}

asio::awaitable<PlacementOutcome> OrderPlacement::write(std::string customer_id, OrderRequest request,
                                                        CheckedOrder checked, CustomerSnapshot customer,
                                                        const idempotency::Claim& claim,
                                                        const PlacementResponses& responses) {
  Order order = new_order(customer_id, request, std::move(checked), std::move(customer));
  // Cash needs no authorization: the platform places the order at once. The order row is written
  // already placed, its history says pending_payment -> placed, and order.placed follows
  // order.created, all in this transaction.
  std::optional<OrderWorkflow::Step> placing;
  if (order.payment_method == PaymentMethod::Cash) {
    placing = workflow_.resolve(order, Action::Place, Actor::system(), std::nullopt);
  }
  // Every write goes with the commit, and the commit goes with those of the other placements
  // ready then (db::GroupCommit): under load, one statement writes a group's orders, one its events
  // and one its keys' answers.
  auto tx = placements_.begin();
  auto placed = orders_.insert_at_commit(tx, order, clock_.now(), placing ? &placing->change : nullptr);

  auto payload = order_created_payload(order, *request.payment);
  co_await bus_.publish(tx, std::string(kOrderCreated), kOrderEventVersion, std::move(payload));
  if (placing) co_await workflow_.record(tx, order, *placing, *placed);

  idempotency::StoredResponse response = responses.created(order);
  // The key's row goes with the COMMIT; if another request with this key won, nothing of this
  // transaction is kept and that request's verdict is the answer.
  auto verdict = co_await keys_.commit(tx, claim, response);
  co_return answer(std::move(verdict), std::move(response));
}

}  // namespace nelo::orders
