#include "modules/deliveries/services/order_event_readers.hpp"

#include <boost/json/value.hpp>

#include <cmath>
#include <stdexcept>
#include <string_view>

#include "core/uuid.hpp"
#include "modules/deliveries/services/first_name.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;

[[noreturn]] void broken(std::string_view what) {
  throw std::invalid_argument("event payload: " + std::string(what));
}

const json::object& object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_object()) broken(std::string(key) + " must be an object");
  return v->get_object();
}

std::string text_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) broken(std::string(key) + " must be a string");
  return std::string(v->get_string());
}

std::optional<std::string> optional_text_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) broken(std::string(key) + " must be a string or null");
  if (v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

std::string uuid_at(const json::object& o, std::string_view key) {
  std::string text = text_at(o, key);
  auto canonical = canonical_uuid(text);
  if (!canonical) broken(std::string(key) + " must be a UUID");
  return *canonical;
}

Point point_of(const json::object& o) {
  const json::value* lat = o.if_contains("lat");
  const json::value* lng = o.if_contains("lng");
  if (!lat || !lng || !lat->is_number() || !lng->is_number()) broken("lat and lng must be numbers");
  Point p{lat->to_number<double>(), lng->to_number<double>()};
  if (!std::isfinite(p.lat) || !std::isfinite(p.lng) || std::abs(p.lat) > 90 || std::abs(p.lng) > 180) {
    broken("lat/lng out of range");
  }
  return p;
}

// "10 rue de Rivoli, Apt 3, 75004 Paris"
std::string one_line(const json::object& a) {
  std::string out = text_at(a, "line1");
  if (auto line2 = optional_text_at(a, "line2")) out += ", " + *line2;
  out += ", " + text_at(a, "postal_code") + " " + text_at(a, "city");
  return out;
}

}  // namespace

OrderSnapshot read_order_created(const json::object& payload) {
  OrderSnapshot s;
  s.order_id = uuid_at(payload, "order_id");
  s.customer_id = uuid_at(payload, "customer_id");
  s.merchant_id = uuid_at(payload, "merchant_id");
  s.merchant_owner_id = uuid_at(payload, "merchant_owner_id");
  const json::object& pickup = object_at(payload, "pickup");
  s.pickup.name = text_at(pickup, "name");
  s.pickup.phone = text_at(pickup, "phone");
  s.pickup.address = text_at(pickup, "address");
  s.pickup.point = point_of(pickup);
  const json::object& address = object_at(payload, "delivery_address");
  s.dropoff.address = one_line(address);
  s.dropoff.instructions = optional_text_at(address, "instructions");
  s.dropoff.point = point_of(address);
  s.dropoff.notes = optional_text_at(payload, "notes");
  s.dropoff.customer_first_name = first_name(text_at(object_at(payload, "customer"), "name"));
  return s;
}

std::string read_order_id(const json::object& payload) { return uuid_at(payload, "order_id"); }

}  // namespace nelo::deliveries
