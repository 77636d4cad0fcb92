#pragma once
// HTTP routes of the orders module, /api/v1/orders[...]: placing (customers), acting on orders
// (merchants, customers, admins, each within what the state machine allows them), reading.

namespace nelo::http {
class Router;
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
};

// The services must outlive the router's use of these routes.
void register_routes(http::Router& router, const OrderRouteServices& services);

}  // namespace nelo::orders
