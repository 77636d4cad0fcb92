#include "modules/deliveries/services/delivery_events.hpp"

#include <boost/json/value.hpp>

#include <cmath>

#include "core/geo/geodesic.hpp"
#include "modules/deliveries/names.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;

json::value text_or_null(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::value time_or_null(const std::optional<Timestamp>& value) {
  return value ? json::value(to_rfc3339_millis(*value)) : json::value(nullptr);
}

json::object common(const Delivery& d) {
  const double distance = geo::distance_m(d.pickup.point.lat, d.pickup.point.lng, d.dropoff.point.lat,
                                          d.dropoff.point.lng);
  return {{"delivery_id", d.id},
          {"order_id", d.order_id},
          {"customer_id", d.customer_id},
          {"merchant_id", d.merchant_id},
          {"merchant_owner_id", d.merchant_owner_id},
          {"driver_id", text_or_null(d.driver_id)},
          {"status", to_string(d.status)},
          {"distance_m", static_cast<std::int64_t>(std::lround(distance))},
          {"created_at", to_rfc3339_millis(d.created_at)},
          {"assigned_at", time_or_null(d.assigned_at)},
          {"picked_up_at", time_or_null(d.picked_up_at)},
          {"delivered_at", time_or_null(d.delivered_at)},
          {"version", d.version}};
}

}  // namespace

json::object delivery_transition_payload(const Delivery& d, const Transition& t, const Actor& actor,
                                         const std::optional<std::string>& reason) {
  json::object payload = common(d);
  payload["previous_status"] = to_string(t.from);
  payload["action"] = to_string(t.action);
  payload["actor"] = json::object{{"kind", to_string(actor.kind)},
                                  {"id", actor.id.empty() ? json::value(nullptr) : json::value(actor.id)}};
  payload["reason"] = text_or_null(reason);
  payload["changed_at"] = to_rfc3339_millis(d.updated_at);
  return payload;
}

json::object delivery_unassigned_payload(const Delivery& d, int waited_seconds, int search_radius_m) {
  json::object payload = common(d);
  payload["waited_seconds"] = waited_seconds;
  payload["search_radius_m"] = search_radius_m;
  return payload;
}

}  // namespace nelo::deliveries
