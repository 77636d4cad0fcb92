#include "modules/deliveries/api/v1/driver_routes.hpp"

#include <boost/json/object.hpp>

#include "core/http/router.hpp"
#include "modules/deliveries/api/v1/driver_schemas.hpp"
#include "modules/deliveries/services/driver_locator.hpp"
#include "modules/deliveries/services/driver_service.hpp"
#include "modules/deliveries/services/ping_service.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "deliveries";
constexpr const char* kDrivers = "/api/v1/deliveries/drivers";

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> get_me(DriverService& drivers, http::Request& request) {
  auto driver = co_await drivers.get(request.user().user_id);
  co_return http::Response::json(to_json(driver));
}

asio::awaitable<http::Response> put_me(DriverService& drivers, http::Request& request) {
  const DriverProfile profile = parse_driver_profile(request.json_object());
  auto saved = co_await drivers.save(request.user().user_id, profile);
  co_return http::Response::json(to_json(saved.driver), saved.created ? 201 : 200);
}

asio::awaitable<http::Response> go_online(DriverService& drivers, http::Request& request) {
  auto driver = co_await drivers.go_online(request.user().user_id);
  co_return http::Response::json(to_json(driver));
}

asio::awaitable<http::Response> go_offline(DriverService& drivers, http::Request& request) {
  auto driver = co_await drivers.go_offline(request.user().user_id);
  co_return http::Response::json(to_json(driver));
}

asio::awaitable<http::Response> put_location(PingService& pings, http::Request& request) {
  DriverPosition position = parse_ping(request.json_object(), pings.window());
  const PingResult result = co_await pings.record(request.user().user_id, std::move(position));
  co_return http::Response::json_text(ping_result_text(result));
}

asio::awaitable<http::Response> post_location_batch(PingService& pings, http::Request& request) {
  std::vector<DriverPosition> points = parse_ping_batch(request.json_object(), pings.window());
  const PingResult result = co_await pings.record_batch(request.user().user_id, std::move(points));
  co_return http::Response::json_text(ping_result_text(result));
}

asio::awaitable<http::Response> nearby(DriverLocator& locator, http::Request& request) {
  NearbyParameters parameters;
  parameters.lat = request.query("lat");
  parameters.lng = request.query("lng");
  parameters.radius_m = request.query("radius_m");
  parameters.limit = request.query("limit");
  const NearbyQuery query = parse_nearby_query(parameters);
  auto drivers = co_await locator.nearby(query.center, query.radius_m, query.limit);
  co_return http::Response::json(to_json(drivers));
}

// --- OpenAPI ---

constexpr const char* kNoProfile = "You have no driver profile yet (PUT /api/v1/deliveries/drivers/me first)";
constexpr const char* kOffline = "You are offline: go online first (POST /api/v1/deliveries/drivers/me/online)";
constexpr const char* kPingAnswer =
    "Acknowledged. applied: false when a position recorded later is already known (an out-of-order ping): it "
    "changed nothing, and there is nothing to resend";

http::RouteDoc get_me_doc() {
  http::RouteDoc doc;
  doc.summary = "Get my driver profile";
  doc.description = "The caller's vehicle, capacity and availability.";
  doc.responses = {{200, "The profile", driver_schema()}, http::problem_response(404, kNoProfile)};
  return doc;
}

http::RouteDoc put_me_doc() {
  http::RouteDoc doc;
  doc.summary = "Create or replace my driver profile";
  doc.description = "vehicle (bike, scooter or car) and capacity, the deliveries carried at once (1 to 5, default "
                    "1). The whole profile is replaced; whether the driver is online is kept.";
  doc.request_body = driver_profile_schema();
  doc.responses = {{200, "The profile, replaced", driver_schema()},
                   {201, "The profile, created", driver_schema()},
                   http::problem_response(422, "Unknown field, missing vehicle, or an invalid value")};
  return doc;
}

http::RouteDoc online_doc() {
  http::RouteDoc doc;
  doc.summary = "Go online";
  doc.description = "The driver may be offered work from now on, once a position arrives "
                    "(PUT /api/v1/deliveries/drivers/me/location) and as long as positions keep arriving: a driver "
                    "silent for longer than driver_silence_timeout (60 s by default) is offered nothing. Already "
                    "online: nothing changes.";
  doc.responses = {{200, "The profile, online", driver_schema()}, http::problem_response(409, kNoProfile)};
  return doc;
}

http::RouteDoc offline_doc() {
  http::RouteDoc doc;
  doc.summary = "Go offline";
  doc.description = "The driver is offered no more work and leaves the live map. Refused while a delivery is in "
                    "progress. Already offline: nothing changes.";
  doc.responses = {{200, "The profile, offline", driver_schema()},
                   http::problem_response(409, std::string(kNoProfile) + "; or a delivery in progress (finish it first)")};
  return doc;
}

http::RouteDoc location_doc() {
  http::RouteDoc doc;
  doc.summary = "Send my position";
  doc.description = "One fix from the driver's device, while online. It becomes the driver's live position (what "
                    "dispatch searches), and reaches the last-known positions in the database within "
                    "position_flush_interval. A fix recorded before the one already known is acknowledged with "
                    "applied: false and ignored.";
  doc.request_body = ping_schema();
  doc.responses = {{200, kPingAnswer, ping_result_schema()},
                   http::problem_response(409, kOffline),
                   http::problem_response(422, "Unknown field, missing field, a value out of range, or recorded_at "
                                               "too old or in the future")};
  return doc;
}

http::RouteDoc location_batch_doc() {
  http::RouteDoc doc;
  doc.summary = "Send positions buffered while offline";
  doc.description = "Up to 50 fixes at once, as an app sends what it buffered without a network. Every point is "
                    "checked as a single ping is (errors name points[i].field, and one bad point refuses the "
                    "batch); the latest by recorded_at is applied as a single ping would be.";
  doc.request_body = ping_batch_schema();
  doc.responses = {{200, kPingAnswer, ping_result_schema()},
                   http::problem_response(409, kOffline),
                   http::problem_response(422, "No points or more than 50, or a point refused as a single ping "
                                               "would be (field points[i].lat, ...)")};
  return doc;
}

http::RouteDoc nearby_doc() {
  http::RouteDoc doc;
  doc.summary = "Find drivers near a point";
  doc.description = "Online drivers whose live position is within radius_m of (lat, lng) and younger than "
                    "driver_silence_timeout, nearest first, each with its distance_m.";
  doc.parameters = {
      {"lat", "query", true, "WGS 84 latitude", json::object{{"type", "number"}, {"minimum", -90}, {"maximum", 90}}},
      {"lng", "query", true, "WGS 84 longitude", json::object{{"type", "number"}, {"minimum", -180}, {"maximum", 180}}},
      {"radius_m", "query", false, "Search radius in metres (default 5000)",
       json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxNearbyRadiusM}}},
      {"limit", "query", false, "At most this many drivers, at least 1 (default 20; values above 100 are treated as 100)",
       json::object{{"type", "integer"}, {"minimum", 1}}}};
  doc.responses = {{200, "The drivers, nearest first", nearby_drivers_schema()},
                   http::problem_response(422, "Missing or invalid lat/lng, invalid radius_m or limit")};
  return doc;
}

}  // namespace

void register_driver_routes(http::Router& router, DriverService& drivers, PingService& pings, DriverLocator& locator) {
  auto* d = &drivers;
  auto* p = &pings;
  auto* l = &locator;
  const std::string me = std::string(kDrivers) + "/me";
  const auto driver_only = [] { return http::Policy::roles({"driver"}); };

  router.add({.method = "GET",
              .path = me,
              .policy = driver_only(),
              .handler = [d](http::Request& r) { return get_me(*d, r); },
              .module = kModule,
              .doc = get_me_doc(),
              .access = http::Access::self()});
  router.add({.method = "PUT",
              .path = me,
              .policy = driver_only(),
              .handler = [d](http::Request& r) { return put_me(*d, r); },
              .module = kModule,
              .doc = put_me_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = me + "/online",
              .policy = driver_only(),
              .handler = [d](http::Request& r) { return go_online(*d, r); },
              .module = kModule,
              .doc = online_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = me + "/offline",
              .policy = driver_only(),
              .handler = [d](http::Request& r) { return go_offline(*d, r); },
              .module = kModule,
              .doc = offline_doc(),
              .access = http::Access::self()});
  router.add({.method = "PUT",
              .path = me + "/location",
              .policy = driver_only(),
              .handler = [p](http::Request& r) { return put_location(*p, r); },
              .module = kModule,
              .doc = location_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = me + "/location/batch",
              .policy = driver_only(),
              .handler = [p](http::Request& r) { return post_location_batch(*p, r); },
              .module = kModule,
              .doc = location_batch_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = std::string(kDrivers) + "/nearby",
              .policy = http::Policy::roles({"admin"}),
              .handler = [l](http::Request& r) { return nearby(*l, r); },
              .module = kModule,
              .doc = nearby_doc(),
              .access = http::Access::none()});
}

}  // namespace nelo::deliveries
