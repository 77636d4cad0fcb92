#pragma once
// The deliveries API's routes on deliveries (docs/api/deliveries.md): the admins' list, reading and
// tracking one, and its driver's steps.

namespace nelo::http {
class Router;
}

namespace nelo::deliveries {

class DeliverySteps;
class DeliveryViews;

void register_delivery_step_routes(http::Router& router, DeliverySteps& steps, DeliveryViews& views);

}  // namespace nelo::deliveries
