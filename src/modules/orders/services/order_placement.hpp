#pragma once
// Placing an order: the customer's profile and the checks against users and catalog (reads
// only), then the order, its lines, its history and order.created (+ order.placed for cash)
// written in ONE transaction, committed with the placements ready at the same time
// (db::GroupCommit). Once a card order is committed, its token is handed to payments
// (PaymentInterface::authorize_card) and forgotten: no table or event of orders ever holds it. The caller ends that transaction with its CommitStep, which is how the API
// layer stores the Idempotency-Key's answer with it (shared/idempotency/keyed_request.hpp); the
// service knows neither keys nor responses.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "core/db/commit_writer.hpp"
#include "core/time.hpp"
#include "modules/orders/models.hpp"
#include "shared/interfaces/payment_interface.hpp"

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
  // `placements` commits the placements' transactions (as the orders module). `payments` may be
  // null (not served by this process): a card order then waits for payments' sweep to fail it.
  OrderPlacement(db::GroupCommit& placements, events::EventBus& bus, OrderCheckout& checkout,
                 OrderRepository& orders, OrderWorkflow& workflow, PaymentInterface* payments, const Clock& clock)
      : placements_(placements),
        bus_(bus),
        checkout_(checkout),
        orders_(orders),
        workflow_(workflow),
        payments_(payments),
        clock_(clock) {}

  // Checks and writes the order; `commit` ends its transaction (empty: a plain commit). Throws
  // the checks' refusals (ValidationError, NotFound...), ServiceUnavailable when users or catalog
  // cannot answer. `request` must have a payment.
  boost::asio::awaitable<Order> place(std::string customer_id, OrderRequest request,
                                      db::CommitStep<Order> commit = {});

 private:
  boost::asio::awaitable<Order> write(std::string customer_id, OrderRequest request, CheckedOrder checked,
                                      CustomerSnapshot customer, db::CommitStep<Order> commit);
  // Hands the committed card order's token to payments; never throws (the order is committed and
  // its answer stored: a failure here is settled by payments' sweep).
  boost::asio::awaitable<void> hand_over_token(const Order& order, std::string token);

  db::GroupCommit& placements_;
  events::EventBus& bus_;
  OrderCheckout& checkout_;
  OrderRepository& orders_;
  OrderWorkflow& workflow_;
  PaymentInterface* payments_;
  const Clock& clock_;
};

}  // namespace nelo::orders
