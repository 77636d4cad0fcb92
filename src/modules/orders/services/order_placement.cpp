#include "modules/orders/services/order_placement.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <exception>
#include <optional>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "core/db/group_commit.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_checkout.hpp"
#include "modules/orders/services/order_events.hpp"
#include "modules/orders/services/order_workflow.hpp"
#include "modules/orders/services/settled.hpp"
#include "modules/orders/state_machine.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

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

}  // namespace

asio::awaitable<Order> OrderPlacement::place(std::string customer_id, OrderRequest request,
                                             db::CommitStep<Order> commit) {
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
  // The token leaves the request here: nothing written below can carry it.
  std::string token = request.payment->token.value_or("");
  if (request.payment->token) security::wipe(*request.payment->token);
  request.payment->token.reset();
  Order order;
  try {
    order = co_await write(std::move(customer_id), std::move(request), std::move(*check_result.value),
                           std::move(*customer_result.value), std::move(commit));
  } catch (...) {
    security::wipe(token);
    throw;
  }
  if (order.payment_method == PaymentMethod::Card) co_await hand_over_token(order, std::move(token));
  co_return order;
}

asio::awaitable<void> OrderPlacement::hand_over_token(const Order& order, std::string token) {
  if (!payments_) {
    security::wipe(token);
    spdlog::warn("orders: card order {} placed while this process serves no payments: it will fail when the "
                 "authorization times out",
                 order.id);
    co_return;
  }
  PaymentOrderDto summary{order.id,
                          order.customer_id,
                          order.merchant_id,
                          order.merchant_owner_id,
                          Money{order.pricing.total, order.pricing.currency},
                          order.pricing.subtotal,
                          order.pricing.delivery_fee,
                          order.pricing.service_fee};
  std::string failure;
  try {
    co_await payments_->authorize_card(std::move(summary), std::move(token));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  security::wipe(token);
  // The error names the order, never the token (which no error message of payments carries).
  if (!failure.empty()) {
    spdlog::warn("orders: card order {} could not be handed to payments ({}): it fails when the authorization "
                 "times out",
                 order.id, failure);
  }
}

asio::awaitable<Order> OrderPlacement::write(std::string customer_id, OrderRequest request, CheckedOrder checked,
                                             CustomerSnapshot customer, db::CommitStep<Order> commit) {
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

  co_await db::finish(tx, order, commit);
  co_return order;
}

}  // namespace nelo::orders
