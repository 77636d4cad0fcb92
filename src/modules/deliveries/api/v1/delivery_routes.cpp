#include "modules/deliveries/api/v1/delivery_routes.hpp"

#include "core/http/router.hpp"
#include "modules/deliveries/api/v1/delivery_schemas.hpp"
#include "modules/deliveries/services/offer_service.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "deliveries";
constexpr const char* kOffers = "/api/v1/deliveries/offers";
constexpr const char* kNoSuchOffer = "No such offer among yours (another driver's offer answers the same)";

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> list_offers(OfferService& offers, http::Request& request) {
  auto open = co_await offers.open_offers(request.user().user_id);
  co_return http::Response::json(offers_json(open));
}

asio::awaitable<http::Response> accept_offer(OfferService& offers, http::Request& request) {
  auto delivery = co_await offers.accept(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::json(driver_delivery_json(delivery));
}

asio::awaitable<http::Response> decline_offer(OfferService& offers, http::Request& request) {
  co_await offers.decline(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::no_content();
}

// --- OpenAPI ---

http::RouteDoc list_doc() {
  http::RouteDoc doc;
  doc.summary = "List my open offers";
  doc.description = "The deliveries offered to the calling driver that are still open, soonest deadline first. An "
                    "offer closes when answered, when its deadline passes (NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS) or "
                    "when another driver takes the delivery.";
  doc.responses = {{200, "The open offers", offer_list_schema()}};
  return doc;
}

http::RouteDoc accept_doc() {
  http::RouteDoc doc;
  doc.summary = "Accept an offer";
  doc.description = "The driver takes the delivery (assigned, delivery.assigned). Of drivers accepting the same "
                    "delivery at once exactly one gets it; the others get a 409 (type delivery-taken). A driver "
                    "already carrying as many deliveries as their capacity gets a 409 (type at-capacity).";
  doc.responses = {{200, "The delivery, as its driver sees it", driver_delivery_schema()},
                   http::problem_response(404, kNoSuchOffer),
                   http::problem_response(409, "The offer is no longer open, another driver took the delivery, or "
                                               "you are at capacity")};
  return doc;
}

http::RouteDoc decline_doc() {
  http::RouteDoc doc;
  doc.summary = "Decline an offer";
  doc.description = "The delivery is offered to the next driver; it is not offered to this driver again.";
  doc.responses = {{204, "Declined", nullptr},
                   http::problem_response(404, kNoSuchOffer),
                   http::problem_response(409, "The offer is no longer open")};
  return doc;
}

}  // namespace

void register_delivery_routes(http::Router& router, const DeliveryRouteServices& services) {
  auto* offers = &services.offers;
  const std::string list = kOffers;
  const std::string one = list + "/{id}";
  router.add({.method = "GET",
              .path = list,
              .policy = http::Policy::roles({"driver"}),
              .handler = [offers](http::Request& r) { return list_offers(*offers, r); },
              .module = kModule,
              .doc = list_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = one + "/accept",
              .policy = http::Policy::roles({"driver"}),
              .handler = [offers](http::Request& r) { return accept_offer(*offers, r); },
              .module = kModule,
              .doc = accept_doc(),
              .access = http::Access::owners("offer")});
  router.add({.method = "POST",
              .path = one + "/decline",
              .policy = http::Policy::roles({"driver"}),
              .handler = [offers](http::Request& r) { return decline_offer(*offers, r); },
              .module = kModule,
              .doc = decline_doc(),
              .access = http::Access::owners("offer")});
}

}  // namespace nelo::deliveries
