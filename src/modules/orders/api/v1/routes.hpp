#pragma once
// HTTP routes of the orders module, /api/v1/orders[...]: placing (customers), acting on orders
// (merchants, customers, admins, each within what the state machine allows them), reading.

namespace nelo::http {
class Router;
}

namespace nelo::idempotency {
class IdempotencyStore;
}

namespace nelo::orders {

class OrderCheckout;
class OrderPlacement;
class OrderQueries;
class OrderWorkflow;

struct OrderRouteServices {
  OrderCheckout& checkout;
  OrderPlacement& placement;
  OrderWorkflow& workflow;
  OrderQueries& queries;
  idempotency::IdempotencyStore& keys;  // the optional Idempotency-Key of the order actions
};

// The services must outlive the router's use of these routes.
void register_routes(http::Router& router, const OrderRouteServices& services);

}  // namespace nelo::orders
