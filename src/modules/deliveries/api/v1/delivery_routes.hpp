#pragma once
// The deliveries API's dispatch routes (docs/api/deliveries.md): a driver's offers and answers.

namespace nelo::http {
class Router;
}

namespace nelo::deliveries {

class OfferService;

struct DeliveryRouteServices {
  OfferService& offers;
};

void register_delivery_routes(http::Router& router, const DeliveryRouteServices& services);

}  // namespace nelo::deliveries
