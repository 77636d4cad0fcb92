#pragma once
// Placing an order: the customer's profile and the checks against users and catalog (reads
// only), then the order, its lines, its history and order.created (+ order.placed for cash)
// written in ONE transaction, committed with the placements ready at the same time
// (db::GroupCommit). The caller ends that transaction with its CommitStep, which is how the API
// layer stores the Idempotency-Key's answer with it (shared/idempotency/keyed_request.hpp); the
// service knows neither keys nor responses.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "core/db/commit_writer.hpp"
#include "core/time.hpp"
#include "modules/orders/models.hpp"

namespace nelo::db {
class GroupCommit;
}
namespace nelo::events {
class EventBus;
}

namespace nelo::orders {

class OrderCheckout;
struct CheckedOrder;
class OrderRepository;
class OrderWorkflow;

class OrderPlacement {
 public:
  // `placements` commits the placements' transactions (as the orders module).
  OrderPlacement(db::GroupCommit& placements, events::EventBus& bus, OrderCheckout& checkout,
                 OrderRepository& orders, OrderWorkflow& workflow, const Clock& clock)
      : placements_(placements), bus_(bus), checkout_(checkout), orders_(orders), workflow_(workflow), clock_(clock) {}

  // Checks and writes the order; `commit` ends its transaction (empty: a plain commit). Throws
  // the checks' refusals (ValidationError, NotFound...), ServiceUnavailable when users or catalog
  // cannot answer. `request` must have a payment.
  boost::asio::awaitable<Order> place(std::string customer_id, OrderRequest request,
                                      db::CommitStep<Order> commit = {});

 private:
  boost::asio::awaitable<Order> write(std::string customer_id, OrderRequest request, CheckedOrder checked,
                                      CustomerSnapshot customer, db::CommitStep<Order> commit);

  db::GroupCommit& placements_;
  events::EventBus& bus_;
  OrderCheckout& checkout_;
  OrderRepository& orders_;
  OrderWorkflow& workflow_;
  const Clock& clock_;
};

}  // namespace nelo::orders
