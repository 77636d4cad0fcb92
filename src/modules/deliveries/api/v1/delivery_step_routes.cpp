#include "modules/deliveries/api/v1/delivery_step_routes.hpp"

#include "core/http/router.hpp"
#include "modules/deliveries/api/v1/delivery_list_query.hpp"
#include "modules/deliveries/api/v1/delivery_schemas.hpp"
#include "modules/deliveries/api/v1/step_bodies.hpp"
#include "modules/deliveries/services/delivery_steps.hpp"
#include "modules/deliveries/services/delivery_views.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "deliveries";
constexpr const char* kList = "/api/v1/deliveries";
constexpr const char* kOne = "/api/v1/deliveries/{id}";
constexpr const char* kNoSuchDelivery =
    "No such delivery among those you may see (its driver, the order's customer and merchant, admins)";
constexpr const char* kNotYours = "No such delivery among those you hold (another driver's answers the same)";

DeliveryViewer viewer_of(const Principal& p) {
  DeliveryViewer v;
  v.user_id = p.user_id;
  v.admin = p.is_admin();
  v.driver = p.has_role("driver");
  v.merchant = p.has_role("merchant");
  v.customer = p.has_role("customer");
  return v;
}

// The step routes let drivers and admins in; an admin acts as an admin.
Actor actor_of(const Principal& p) {
  Actor a;
  a.kind = p.is_admin() ? ActorKind::Admin : ActorKind::Driver;
  a.id = p.user_id;
  return a;
}

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> get_delivery(DeliveryViews& views, http::Request& request) {
  auto view = co_await views.get(viewer_of(request.user()), std::string(request.param("id")));
  co_return http::Response::json(delivery_view_json(view));
}

asio::awaitable<http::Response> list_deliveries(DeliveryViews& views, http::Request& request) {
  auto query = parse_delivery_list_query(request.query("status"), request.query("driver_id"), request.query("limit"),
                                         request.query("cursor"));
  auto page = co_await views.list(viewer_of(request.user()), std::move(query));
  co_return http::Response::json(delivery_page_json(page));
}

asio::awaitable<http::Response> track_delivery(DeliveryViews& views, http::Request& request) {
  auto tracking = co_await views.tracking(viewer_of(request.user()), std::string(request.param("id")));
  co_return http::Response::json(tracking_json(tracking));
}

asio::awaitable<http::Response> step(DeliverySteps& steps, http::Request& request, DeliveryAction action) {
  std::optional<std::string> reason;
  if (action == DeliveryAction::Fail) reason = parse_failure(request.json_object());
  auto delivery =
      co_await steps.perform(std::string(request.param("id")), action, actor_of(request.user()), std::move(reason));
  co_return http::Response::json(driver_delivery_json(delivery));
}

asio::awaitable<http::Response> deliver(DeliverySteps& steps, http::Request& request) {
  // The body may be left out: the service then asks for the PIN (or an admin's reason).
  HandOver hand_over;
  if (!request.body.empty()) hand_over = parse_hand_over(request.json_object());
  auto delivery = co_await steps.deliver(std::string(request.param("id")), actor_of(request.user()),
                                         std::move(hand_over.pin), std::move(hand_over.reason));
  co_return http::Response::json(driver_delivery_json(delivery));
}

// --- OpenAPI ---

http::RouteDoc read_doc(std::string summary, std::string description, json::value schema) {
  http::RouteDoc doc;
  doc.summary = std::move(summary);
  doc.description = std::move(description);
  doc.responses = {{200, "The delivery", std::move(schema)}, http::problem_response(404, kNoSuchDelivery)};
  return doc;
}

http::RouteDoc step_doc(std::string summary, std::string description, json::value body) {
  http::RouteDoc doc;
  doc.summary = std::move(summary);
  doc.description = std::move(description);
  doc.request_body = std::move(body);
  doc.responses = {{200, "The delivery in its new state, as its driver sees it", driver_delivery_schema()},
                   http::problem_response(404, kNotYours),
                   http::problem_response(409, "The step does not apply in the delivery's current state (the detail "
                                               "names both); type pin-locked: too many wrong PINs")};
  if (!doc.request_body.is_null()) doc.responses.push_back(http::problem_response(422, "Invalid body, by field"));
  return doc;
}

http::RouteDoc list_doc() {
  http::RouteDoc doc;
  doc.summary = "List deliveries (admins)";
  doc.description =
      "Newest first, cursor-paginated on (created_at, id). By default the active ones (neither delivered, cancelled "
      "nor failed): what a dispatcher watches. Each item is the delivery as its driver sees it, with its driver.";
  doc.parameters = {
      {"status", "query", false, "`active` (the default) or one state", json::object{{"type", "string"}}},
      {"driver_id", "query", false, "Only those this driver holds or held", json::object{{"type", "string"}}}};
  for (auto& page : http::page_parameters(kDefaultDeliveryPageSize, kMaxDeliveryPageSize)) {
    doc.parameters.push_back(std::move(page));
  }
  doc.responses = {{200, "A page of deliveries", delivery_page_schema()},
                   http::problem_response(422, "Invalid status, driver_id, limit or cursor")};
  return doc;
}

json::value reason_schema() {
  return json::object{{"type", "string"},
                      {"minLength", 1},
                      {"maxLength", kMaxStepReasonLength},
                      {"description", "Why, kept in the delivery's history"}};
}

json::value failure_body() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", json::array{"reason"}},
                      {"properties", json::object{{"reason", reason_schema()}}}};
}

json::value hand_over_body() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "A driver gives `pin`; an admin confirming without the PIN gives `reason`"},
      {"properties", json::object{{"pin", json::object{{"type", "string"},
                                                       {"pattern", "^[0-9]{4}$"},
                                                       {"description", "The customer's 4-digit code"}}},
                                  {"reason", reason_schema()}}}};
}

struct Step {
  const char* path;
  DeliveryAction action;
  const char* summary;
  const char* description;
};

constexpr Step kSteps[] = {
    {"/arrived-pickup", DeliveryAction::ArrivePickup, "Arrived at the pickup",
     "assigned -> at_pickup, by the driver holding the delivery."},
    {"/picked-up", DeliveryAction::PickUp, "Picked up",
     "at_pickup -> picked_up (delivery.picked_up: the order becomes picked_up), by the driver holding the delivery."},
    {"/arrived-dropoff", DeliveryAction::ArriveDropoff, "Arrived at the drop-off",
     "picked_up -> at_dropoff, by the driver holding the delivery."},
};

}  // namespace

void register_delivery_step_routes(http::Router& router, DeliverySteps& steps, DeliveryViews& views) {
  auto* s = &steps;
  auto* v = &views;
  const std::string one = kOne;
  router.add({.method = "GET",
              .path = kList,
              .policy = http::Policy::roles({"admin"}),
              .handler = [v](http::Request& r) { return list_deliveries(*v, r); },
              .module = kModule,
              .doc = list_doc(),
              .access = http::Access::none()});
  router.add({.method = "GET",
              .path = one,
              .policy = http::Policy::roles({"customer", "merchant", "driver", "admin"}),
              .handler = [v](http::Request& r) { return get_delivery(*v, r); },
              .module = kModule,
              .doc = read_doc("Get a delivery",
                              "Its driver and admins see all of it (never the PIN); the order's customer the "
                              "status, the driver's first name and the PIN to give the driver; the order's "
                              "merchant the status and the driver's first name. Anyone else gets a 404.",
                              delivery_view_schema()),
              .access = http::Access::owners_and_admins("delivery")});
  router.add({.method = "GET",
              .path = one + "/tracking",
              .policy = http::Policy::roles({"customer", "merchant", "driver", "admin"}),
              .handler = [v](http::Request& r) { return track_delivery(*v, r); },
              .module = kModule,
              .doc = read_doc("Track a delivery",
                              "Status, the driver and their last position (lat, lng, heading, speed, when). The "
                              "order's customer sees the position only between assignment and delivery (the privacy "
                              "window), the merchant never; the driver and admins while the driver holds it.",
                              tracking_schema()),
              .access = http::Access::owners_and_admins("delivery")});
  for (const Step& st : kSteps) {
    const DeliveryAction action = st.action;
    router.add({.method = "POST",
                .path = one + st.path,
                .policy = http::Policy::roles({"driver"}),
                .handler = [s, action](http::Request& r) { return step(*s, r, action); },
                .module = kModule,
                .doc = step_doc(st.summary, st.description, nullptr),
                .access = http::Access::owners("delivery")});
  }
  router.add({.method = "POST",
              .path = one + "/delivered",
              .policy = http::Policy::roles({"driver", "admin"}),
              .handler = [s](http::Request& r) { return deliver(*s, r); },
              .module = kModule,
              .doc = step_doc("Delivered",
                              "at_dropoff -> delivered (delivery.completed: the order becomes delivered). The driver "
                              "gives the customer's PIN: a wrong one is a 422 on `pin` and counts, and after "
                              "NELO_DELIVERIES_PIN_MAX_ATTEMPTS wrong ones the hand-over is locked (409, type "
                              "pin-locked) until an admin confirms it. An admin confirms without a PIN, with a "
                              "`reason` kept in the history (from at_dropoff, or from picked_up).",
                              hand_over_body()),
              .access = http::Access::owners_and_admins("delivery")});
  router.add({.method = "POST",
              .path = one + "/failed",
              .policy = http::Policy::roles({"driver", "admin"}),
              .handler = [s](http::Request& r) { return step(*s, r, DeliveryAction::Fail); },
              .module = kModule,
              .doc = step_doc("Failed",
                              "From assigned, at_pickup, picked_up or at_dropoff -> failed (delivery.failed), with "
                              "a reason (e.g. the customer is absent), by the driver holding it or an admin.",
                              failure_body()),
              .access = http::Access::owners_and_admins("delivery")});
}

}  // namespace nelo::deliveries
