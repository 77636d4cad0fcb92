#pragma once
// Placing an order with Stripe's idempotency semantics (docs/api/orders.md, "Idempotency"):
//
//   look the (customer, Idempotency-Key) pair up
//     Replay    -> the stored response, unchanged
//     Mismatch  -> 422 (the key belongs to another request)
//     Fresh     -> read the body, check it against users and catalog
//                    a client error (400, 422) -> stored as the key's response, replayed as such
//                  write order, lines, history and order.created (+ order.placed for cash)
//                  and store the 201 response, all in ONE transaction, committed with the
//                  placements ready at the same time (db::GroupCommit)
//                  anything else (503, a bug) -> nothing is stored: retrying may succeed
//   storing the answer can still find the key taken by a concurrent request with it: 409 while
//   that request's transaction is open, its answer (or 422) once it committed.
//
// The response bodies are rendered by the caller (the HTTP layer), so that what is stored is
// byte for byte what the first client received.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "core/errors.hpp"
#include "core/time.hpp"
#include "modules/orders/models.hpp"
#include "shared/idempotency/idempotency_store.hpp"

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

struct PlacementResponses {
  std::function<idempotency::StoredResponse(const Order&)> created;  // the 201
  std::function<idempotency::StoredResponse(const Error&)> refused;  // a client error (4xx)
};

struct IdempotencyRequest {
  std::string key;          // the Idempotency-Key header, already checked for syntax
  std::string fingerprint;  // idempotency::request_fingerprint(method, path, body)
};

struct PlacementOutcome {
  idempotency::StoredResponse response;
  bool replayed = false;  // true: answered from the store, nothing was done
};

class OrderPlacement {
 public:
  // `placements` commits the placements' transactions (as the orders module).
  OrderPlacement(db::GroupCommit& placements, events::EventBus& bus, idempotency::IdempotencyStore& keys,
                 OrderCheckout& checkout, OrderRepository& orders, OrderWorkflow& workflow, const Clock& clock)
      : placements_(placements),
        bus_(bus),
        keys_(keys),
        checkout_(checkout),
        orders_(orders),
        workflow_(workflow),
        clock_(clock) {}

  // `read_request` reads and validates the body (throwing BadRequest or ValidationError); it is
  // called once the key is known to be unused, so that a refused body is the key's answer like any other
  // refusal. The request it returns must have a payment. `responses` must stay alive until the
  // returned awaitable is done.
  boost::asio::awaitable<PlacementOutcome> place(std::string customer_id, IdempotencyRequest idempotency,
                                                 std::function<OrderRequest()> read_request,
                                                 const PlacementResponses& responses);

 private:
  boost::asio::awaitable<PlacementOutcome> write(std::string customer_id, OrderRequest request,
                                                 CheckedOrder checked, CustomerSnapshot customer,
                                                 const idempotency::Claim& claim,
                                                 const PlacementResponses& responses);

  db::GroupCommit& placements_;
  events::EventBus& bus_;
  idempotency::IdempotencyStore& keys_;
  OrderCheckout& checkout_;
  OrderRepository& orders_;
  OrderWorkflow& workflow_;
  const Clock& clock_;
};

}  // namespace nelo::orders
