#include "modules/deliveries/api/v1/delivery_schemas.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cmath>

#include "core/geo/geodesic.hpp"
#include "core/time.hpp"
#include "modules/deliveries/api/v1/delivery_cursor.hpp"
#include "modules/deliveries/names.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;

json::value text_or_null(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value time_or_null(const std::optional<Timestamp>& v) {
  return v ? json::value(to_rfc3339_millis(*v)) : json::value(nullptr);
}

std::int64_t trip_m(const PickupSnapshot& p, const DropoffSnapshot& d) {
  return std::llround(geo::distance_m(p.point.lat, p.point.lng, d.point.lat, d.point.lng));
}

json::object offer_json(const OfferView& v) {
  const Offer& o = v.offer;
  return {{"id", o.id},
          {"delivery_id", o.delivery_id},
          {"status", to_string(o.status)},
          {"expires_at", to_rfc3339_millis(o.expires_at)},
          {"distance_m", o.distance_m},
          {"eta_seconds", o.eta_seconds},
          {"pickup", json::object{{"name", v.pickup.name},
                                  {"address", v.pickup.address},
                                  {"lat", v.pickup.point.lat},
                                  {"lng", v.pickup.point.lng}}},
          {"dropoff", json::object{{"address", v.dropoff.address},
                                   {"lat", v.dropoff.point.lat},
                                   {"lng", v.dropoff.point.lng}}},
          {"trip_distance_m", trip_m(v.pickup, v.dropoff)}};
}

json::object string_schema(const char* description) { return {{"type", "string"}, {"description", description}}; }
json::object nullable_string(const char* description) {
  return {{"type", json::array{"string", "null"}}, {"description", description}};
}
json::object number_schema() { return {{"type", "number"}}; }
json::object integer_schema(const char* description) { return {{"type", "integer"}, {"description", description}}; }
json::object time_schema(bool nullable) {
  json::object s{{"format", "date-time"}};
  s["type"] = nullable ? json::value(json::array{"string", "null"}) : json::value("string");
  return s;
}

json::array names(std::initializer_list<const char*> list) {
  json::array out;
  for (const char* n : list) out.push_back(json::string(n));
  return out;
}

}  // namespace

json::value offers_json(const std::vector<OfferView>& offers) {
  json::array items;
  items.reserve(offers.size());
  for (const auto& v : offers) items.push_back(offer_json(v));
  return json::object{{"items", std::move(items)}};
}

json::value driver_delivery_json(const Delivery& d) {
  return json::object{{"id", d.id},
                      {"order_id", d.order_id},
                      {"status", to_string(d.status)},
                      {"driver_id", text_or_null(d.driver_id)},
                      {"pickup", json::object{{"name", d.pickup.name},
                                              {"phone", d.pickup.phone},
                                              {"address", d.pickup.address},
                                              {"lat", d.pickup.point.lat},
                                              {"lng", d.pickup.point.lng}}},
                      {"dropoff", json::object{{"customer_first_name", d.dropoff.customer_first_name},
                                               {"address", d.dropoff.address},
                                               {"instructions", text_or_null(d.dropoff.instructions)},
                                               {"notes", text_or_null(d.dropoff.notes)},
                                               {"lat", d.dropoff.point.lat},
                                               {"lng", d.dropoff.point.lng}}},
                      {"trip_distance_m", trip_m(d.pickup, d.dropoff)},
                      {"failure_reason", text_or_null(d.failure_reason)},
                      {"created_at", to_rfc3339_millis(d.created_at)},
                      {"updated_at", to_rfc3339_millis(d.updated_at)},
                      {"assigned_at", time_or_null(d.assigned_at)},
                      {"picked_up_at", time_or_null(d.picked_up_at)},
                      {"delivered_at", time_or_null(d.delivered_at)}};
}

json::value offer_list_schema() {
  json::object pickup{{"type", "object"},
                      {"required", names({"name", "address", "lat", "lng"})},
                      {"properties", json::object{{"name", string_schema("The merchant")},
                                                  {"address", string_schema("Where to collect the parcel")},
                                                  {"lat", number_schema()},
                                                  {"lng", number_schema()}}}};
  json::object dropoff{{"type", "object"},
                       {"required", names({"address", "lat", "lng"})},
                       {"properties", json::object{{"address", string_schema("Where the parcel goes")},
                                                   {"lat", number_schema()},
                                                   {"lng", number_schema()}}}};
  json::object offer{
      {"type", "object"},
      {"required", names({"id", "delivery_id", "status", "expires_at", "distance_m", "eta_seconds", "pickup",
                          "dropoff", "trip_distance_m"})},
      {"properties",
       json::object{{"id", string_schema("The offer (UUID)")},
                    {"delivery_id", string_schema("The delivery (UUID)")},
                    {"status", json::object{{"enum", names({"pending"})}}},
                    {"expires_at", time_schema(false)},
                    {"distance_m", integer_schema("From the driver to the pickup when offered, straight line")},
                    {"eta_seconds", integer_schema("Estimated time to the pickup when offered")},
                    {"pickup", std::move(pickup)},
                    {"dropoff", std::move(dropoff)},
                    {"trip_distance_m", integer_schema("Pickup to drop-off, straight line")}}}};
  return json::object{{"type", "object"},
                      {"required", names({"items"})},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", std::move(offer)}}}}}};
}

json::value driver_delivery_schema() {
  json::array statuses;
  for (DeliveryStatus s : kAllStatuses) statuses.push_back(json::string(to_string(s)));
  json::object pickup{{"type", "object"},
                      {"required", names({"name", "phone", "address", "lat", "lng"})},
                      {"properties", json::object{{"name", string_schema("The merchant")},
                                                  {"phone", string_schema("The merchant's phone")},
                                                  {"address", string_schema("Where to collect the parcel")},
                                                  {"lat", number_schema()},
                                                  {"lng", number_schema()}}}};
  json::object dropoff{
      {"type", "object"},
      {"required", names({"customer_first_name", "address", "instructions", "notes", "lat", "lng"})},
      {"properties", json::object{{"customer_first_name", string_schema("Whom to ask for")},
                                  {"address", string_schema("Where the parcel goes")},
                                  {"instructions", nullable_string("The address's access instructions")},
                                  {"notes", nullable_string("The customer's notes on the order")},
                                  {"lat", number_schema()},
                                  {"lng", number_schema()}}}};
  return json::object{
      {"type", "object"},
      {"required", names({"id", "order_id", "status", "driver_id", "pickup", "dropoff", "trip_distance_m",
                          "failure_reason", "created_at", "updated_at", "assigned_at", "picked_up_at",
                          "delivered_at"})},
      {"properties", json::object{{"id", string_schema("The delivery (UUID)")},
                                  {"order_id", string_schema("Its order (UUID)")},
                                  {"status", json::object{{"enum", std::move(statuses)}}},
                                  {"driver_id", nullable_string("The driver holding it")},
                                  {"pickup", std::move(pickup)},
                                  {"dropoff", std::move(dropoff)},
                                  {"trip_distance_m", integer_schema("Pickup to drop-off, straight line")},
                                  {"failure_reason", nullable_string("Why it failed")},
                                  {"created_at", time_schema(false)},
                                  {"updated_at", time_schema(false)},
                                  {"assigned_at", time_schema(true)},
                                  {"picked_up_at", time_schema(true)},
                                  {"delivered_at", time_schema(true)}}}};
}

json::value delivery_view_json(const DeliveryView& view) {
  const Delivery& d = view.delivery;
  json::value driver = nullptr;
  if (d.driver_id) {
    driver = json::object{{"id", *d.driver_id}, {"first_name", text_or_null(view.driver_first_name)}};
  }
  if (view.role == ViewerRole::Admin || view.role == ViewerRole::Driver) {
    json::value full = driver_delivery_json(d);
    full.as_object()["driver"] = std::move(driver);
    return full;
  }
  json::object out{{"id", d.id},
                   {"order_id", d.order_id},
                   {"status", to_string(d.status)},
                   {"driver", std::move(driver)},
                   {"created_at", to_rfc3339_millis(d.created_at)},
                   {"updated_at", to_rfc3339_millis(d.updated_at)},
                   {"assigned_at", time_or_null(d.assigned_at)},
                   {"picked_up_at", time_or_null(d.picked_up_at)},
                   {"delivered_at", time_or_null(d.delivered_at)}};
  if (view.role == ViewerRole::Customer) out["pin"] = d.pin;
  return out;
}

json::value tracking_json(const TrackingView& t) {
  const Delivery& d = t.view.delivery;
  json::value position = nullptr;
  if (t.position) {
    const auto recorded = std::chrono::time_point_cast<std::chrono::microseconds>(t.position->recorded_at);
    position = json::object{{"lat", t.position->point.lat},
                            {"lng", t.position->point.lng},
                            {"heading", t.position->heading_deg ? json::value(*t.position->heading_deg) : json::value(nullptr)},
                            {"speed_mps", t.position->speed_mps ? json::value(*t.position->speed_mps) : json::value(nullptr)},
                            {"recorded_at", to_rfc3339_millis(recorded)}};
  }
  json::value driver = nullptr;
  if (d.driver_id) driver = json::object{{"id", *d.driver_id}, {"first_name", text_or_null(t.view.driver_first_name)}};
  return json::object{{"delivery_id", d.id},
                      {"status", to_string(d.status)},
                      {"updated_at", to_rfc3339_millis(d.updated_at)},
                      {"driver", std::move(driver)},
                      {"position", std::move(position)}};
}

json::value delivery_view_schema() {
  json::array statuses;
  for (DeliveryStatus s : kAllStatuses) statuses.push_back(json::string(to_string(s)));
  return json::object{
      {"type", "object"},
      {"description", "Its driver and admins see every field of the driver's view; the order's customer and "
                      "merchant see these (the customer also `pin`)"},
      {"required", names({"id", "order_id", "status", "driver"})},
      {"properties", json::object{{"id", string_schema("The delivery (UUID)")},
                                  {"order_id", string_schema("Its order (UUID)")},
                                  {"status", json::object{{"enum", std::move(statuses)}}},
                                  {"driver", json::object{{"type", json::array{"object", "null"}},
                                                          {"description", "{id, first_name} once assigned"}}},
                                  {"pin", string_schema("The order's customer only: the code to give the driver")}}}};
}

json::value tracking_schema() {
  json::array statuses;
  for (DeliveryStatus s : kAllStatuses) statuses.push_back(json::string(to_string(s)));
  return json::object{
      {"type", "object"},
      {"required", names({"delivery_id", "status", "updated_at", "driver", "position"})},
      {"properties",
       json::object{{"delivery_id", string_schema("The delivery (UUID)")},
                    {"status", json::object{{"enum", std::move(statuses)}}},
                    {"updated_at", time_schema(false)},
                    {"driver", json::object{{"type", json::array{"object", "null"}},
                                            {"description", "{id, first_name} once assigned"}}},
                    {"position", json::object{{"type", json::array{"object", "null"}},
                                              {"description", "{lat, lng, heading, speed_mps, recorded_at}: the "
                                                              "driver's last fix, shown to the customer only between "
                                                              "assignment and delivery, never to the merchant"}}}}}};
}

json::value delivery_page_json(const DeliveryPage& page) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& view : page.items) items.push_back(delivery_view_json(view));
  return json::object{{"items", std::move(items)},
                      {"next_cursor", page.next ? json::value(kDeliveryCursor.encode(*page.next)) : json::value(nullptr)}};
}

json::value delivery_page_schema() {
  return json::object{
      {"type", "object"},
      {"required", names({"items", "next_cursor"})},
      {"properties",
       json::object{{"items", json::object{{"type", "array"},
                                           {"items", driver_delivery_schema()},
                                           {"description", "Newest first, each as an admin sees it"}}},
                    {"next_cursor", json::object{{"type", json::array{"string", "null"}},
                                                 {"description", "Pass back as ?cursor= ; null on the last page"}}}}}};
}

}  // namespace nelo::deliveries
