#pragma once
// The deliveries API's routes on one delivery (docs/api/deliveries.md): reading and tracking it,
// and its driver's steps.

namespace nelo::http {
class Router;
}

namespace nelo::deliveries {

class DeliverySteps;
class DeliveryViews;

void register_delivery_step_routes(http::Router& router, DeliverySteps& steps, DeliveryViews& views);

}  // namespace nelo::deliveries
