#include "modules/deliveries/api/v1/driver_schemas.hpp"

#include <boost/json/array.hpp>

#include <charconv>
#include <cmath>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/json_text.hpp"
#include "core/request_fields.hpp"
#include "core/time.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;
using SystemTime = std::chrono::system_clock::time_point;

std::string timestamp_text(SystemTime t) {
  return to_rfc3339_millis(std::chrono::time_point_cast<std::chrono::microseconds>(t));
}

std::string number_text(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc() ? end : text);
}

// An optional number in [min, max] (or [min, max) when `max_excluded`); `rule` says so in the error.
std::optional<double> read_bounded(JsonReader& r, std::string_view name, double min, double max, bool max_excluded,
                                   const std::string& rule) {
  auto value = r.optional_number(name);
  if (!value) return std::nullopt;
  const bool in_range = std::isfinite(*value) && *value >= min && (max_excluded ? *value < max : *value <= max);
  if (!in_range) {
    r.validator().add(r.field(name), rule);
    return std::nullopt;
  }
  return value;
}

// RFC 3339 ("2026-12-06T23:41:07.250Z", any offset), within `window`.
std::optional<SystemTime> read_recorded_at(JsonReader& r, const PingWindow& window) {
  auto text = r.required_string("recorded_at");
  if (!text) return std::nullopt;
  const auto parsed = parse_timestamp(*text);
  // parse_timestamp also reads PostgreSQL's "2026-12-06 23:41:07+00"; the API takes RFC 3339 only.
  if (!parsed || text->size() < 11 || ((*text)[10] != 'T' && (*text)[10] != 't')) {
    r.validator().add(r.field("recorded_at"), "must be an RFC 3339 date-time, e.g. 2026-12-06T23:41:07.250Z");
    return std::nullopt;
  }
  // Compared in microseconds: a year such as 1013 or 9999 does not fit system_clock's nanoseconds.
  const Timestamp at = *parsed;
  if (at < std::chrono::time_point_cast<std::chrono::microseconds>(window.earliest)) {
    r.validator().add(r.field("recorded_at"),
                      "is too old: positions recorded before " + timestamp_text(window.earliest) + " are refused");
    return std::nullopt;
  }
  if (at > std::chrono::time_point_cast<std::chrono::microseconds>(window.latest)) {
    r.validator().add(r.field("recorded_at"), "is in the future (after " + timestamp_text(window.latest) +
                                                  "): check the device's clock");
    return std::nullopt;
  }
  return SystemTime(at);
}

std::optional<DriverPosition> read_ping(JsonReader& r, const PingWindow& window) {
  r.reject_unknown({"lat", "lng", "accuracy_m", "heading", "speed_mps", "recorded_at"});
  DriverPosition p;
  auto lat = read_coordinate(r, "lat", Presence::Required, 90);
  auto lng = read_coordinate(r, "lng", Presence::Required, 180);
  p.accuracy_m = read_bounded(r, "accuracy_m", 0, kMaxAccuracyM, false,
                              "must be a number of metres between 0 and " + number_text(kMaxAccuracyM));
  p.heading_deg = read_bounded(r, "heading", 0, 360, true, "must be a number of degrees from 0 (north) up to, not including, 360");
  p.speed_mps = read_bounded(r, "speed_mps", 0, kMaxSpeedMps, false,
                             "must be a number of metres per second between 0 and " + number_text(kMaxSpeedMps));
  auto recorded_at = read_recorded_at(r, window);
  if (!lat || !lng || !recorded_at) return std::nullopt;
  p.point = {*lat, *lng};
  p.recorded_at = *recorded_at;
  return p;
}

json::value nullable_number(const std::optional<double>& value) { return value ? json::value(*value) : json::value(nullptr); }

json::object number_schema(double min, double max, const char* description) {
  return {{"type", "number"}, {"minimum", min}, {"maximum", max}, {"description", description}};
}

json::object nullable_number_schema(json::object schema) {
  schema["type"] = json::array{"number", "null"};
  return schema;
}

json::object timestamp_schema(const char* description) {
  return {{"type", "string"}, {"format", "date-time"}, {"description", description}};
}

json::object ping_properties() {
  json::object heading{{"type", "number"},
                       {"minimum", 0},
                       {"exclusiveMaximum", 360},
                       {"description", "Degrees clockwise from north, [0, 360)"}};
  return {{"lat", number_schema(-90, 90, "WGS 84 latitude")},
          {"lng", number_schema(-180, 180, "WGS 84 longitude")},
          {"accuracy_m", number_schema(0, kMaxAccuracyM, "Radius of the fix's uncertainty, metres")},
          {"heading", std::move(heading)},
          {"speed_mps", number_schema(0, kMaxSpeedMps, "Metres per second")},
          {"recorded_at", timestamp_schema("RFC 3339: when the device took the fix. Not older than the server's "
                                           "ping_max_age (600 s by default), not ahead of its clock by more than "
                                           "ping_max_future (30 s)")}};
}

}  // namespace

// --- parsing ---

DriverProfile parse_driver_profile(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"vehicle", "capacity"});
  DriverProfile profile;
  if (auto vehicle = r.required_string("vehicle")) {
    if (is_vehicle(*vehicle)) {
      profile.vehicle = *vehicle;
    } else {
      v.add("vehicle", "must be one of: bike, scooter, car");
    }
  }
  profile.capacity = read_int(r, "capacity", Presence::Optional, kMinCapacity, kMaxCapacity).value_or(kMinCapacity);
  v.throw_if_invalid();
  return profile;
}

DriverPosition parse_ping(const json::object& body, const PingWindow& window) {
  Validator v;
  JsonReader r(body, v);
  auto ping = read_ping(r, window);
  v.throw_if_invalid();
  if (!ping) throw ValidationError("body", "is not a position");  // unreachable: read_ping reports why
  return std::move(*ping);
}

std::vector<DriverPosition> parse_ping_batch(const json::object& body, const PingWindow& window) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"points"});
  std::vector<DriverPosition> points;
  if (const json::array* array = r.required_array("points")) {
    if (array->empty()) {
      v.add("points", "must hold at least one point");
    } else if (array->size() > kMaxBatchPoints) {
      v.add("points", "must hold at most " + std::to_string(kMaxBatchPoints) + " points (send the rest in another batch)");
    } else {
      points.reserve(array->size());
      for (std::size_t i = 0; i < array->size(); ++i) {
        const json::value& item = (*array)[i];
        if (!item.is_object()) {
          v.add(r.element("points", i), "must be an object");
          continue;
        }
        JsonReader point(item.as_object(), v, r.element("points", i));
        if (auto ping = read_ping(point, window)) points.push_back(std::move(*ping));
      }
    }
  }
  v.throw_if_invalid();
  return points;
}

NearbyQuery parse_nearby_query(const NearbyParameters& in) {
  Validator v;
  NearbyQuery q;
  auto coordinate = [&](std::optional<std::string_view> text, const char* name, double limit) -> double {
    const auto bound = std::to_string(static_cast<int>(limit));
    if (!text) {
      v.add(name, "is required");
      return 0;
    }
    double value = 0;
    const char* end = text->data() + text->size();
    const auto [stop, ec] = std::from_chars(text->data(), end, value);
    if (text->empty() || ec != std::errc() || stop != end || !std::isfinite(value) || value < -limit || value > limit) {
      v.add(name, "must be a number between -" + bound + " and " + bound);
      return 0;
    }
    return value;
  };
  q.center.lat = coordinate(in.lat, "lat", 90);
  q.center.lng = coordinate(in.lng, "lng", 180);
  if (in.radius_m) {
    int radius = 0;
    const char* end = in.radius_m->data() + in.radius_m->size();
    const auto [stop, ec] = std::from_chars(in.radius_m->data(), end, radius);
    if (in.radius_m->empty() || ec != std::errc() || stop != end || radius < 1 || radius > kMaxNearbyRadiusM) {
      v.add("radius_m", "must be an integer between 1 and " + std::to_string(kMaxNearbyRadiusM) + " (metres)");
    } else {
      q.radius_m = radius;
    }
  }
  q.limit = read_page_limit(in.limit, v, kDefaultNearbyLimit, kMaxNearbyLimit);
  v.throw_if_invalid();
  return q;
}

// --- serialization ---

json::object to_json(const Driver& d) {
  return {{"driver_id", d.user_id},
          {"vehicle", d.vehicle},
          {"capacity", d.capacity},
          {"online", d.online},
          {"online_since", d.online_since ? json::value(to_rfc3339_millis(*d.online_since)) : json::value(nullptr)},
          {"created_at", to_rfc3339_millis(d.created_at)},
          {"updated_at", to_rfc3339_millis(d.updated_at)}};
}

std::string ping_result_text(const PingResult& result) {
  std::string out;
  out.reserve(64);
  JsonWriter(out).begin_object().key("applied").boolean(result.applied).key("recorded_at")
      .string(timestamp_text(result.recorded_at)).end_object();
  return out;
}

json::object to_json(const std::vector<NearbyDriver>& drivers) {
  json::array items;
  items.reserve(drivers.size());
  for (const auto& d : drivers) {
    const DriverPosition& p = d.position;
    items.push_back(json::object{{"driver_id", p.driver_id},
                                 {"lat", p.point.lat},
                                 {"lng", p.point.lng},
                                 {"accuracy_m", nullable_number(p.accuracy_m)},
                                 {"heading", nullable_number(p.heading_deg)},
                                 {"speed_mps", nullable_number(p.speed_mps)},
                                 {"recorded_at", timestamp_text(p.recorded_at)},
                                 {"distance_m", d.distance_m}});
  }
  return {{"items", std::move(items)}};
}

// --- OpenAPI ---

json::value driver_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"driver_id", "vehicle", "capacity", "online", "online_since", "created_at", "updated_at"}},
      {"properties",
       json::object{{"driver_id", json::object{{"type", "string"}, {"format", "uuid"}, {"description", "The driver's user id"}}},
                    {"vehicle", json::object{{"enum", json::array{"bike", "scooter", "car"}}}},
                    {"capacity", json::object{{"type", "integer"},
                                              {"minimum", kMinCapacity},
                                              {"maximum", kMaxCapacity},
                                              {"description", "Deliveries carried at once"}}},
                    {"online", json::object{{"type", "boolean"}, {"description", "Offered work while true"}}},
                    {"online_since", json::object{{"type", json::array{"string", "null"}}, {"format", "date-time"}}},
                    {"created_at", timestamp_schema("RFC 3339")},
                    {"updated_at", timestamp_schema("RFC 3339")}}}};
}

json::value driver_profile_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"vehicle"}},
      {"properties",
       json::object{{"vehicle", json::object{{"enum", json::array{"bike", "scooter", "car"}}}},
                    {"capacity", json::object{{"type", "integer"},
                                              {"minimum", kMinCapacity},
                                              {"maximum", kMaxCapacity},
                                              {"description", "Deliveries carried at once (default 1)"}}}}}};
}

json::value ping_schema() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", json::array{"lat", "lng", "recorded_at"}},
                      {"properties", ping_properties()}};
}

json::value ping_batch_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"points"}},
      {"properties", json::object{{"points", json::object{{"type", "array"},
                                                          {"minItems", 1},
                                                          {"maxItems", kMaxBatchPoints},
                                                          {"items", ping_schema()}}}}}};
}

json::value ping_result_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"applied", "recorded_at"}},
      {"properties",
       json::object{{"applied", json::object{{"type", "boolean"},
                                             {"description", "false: a position recorded later is already known; this "
                                                             "one was acknowledged and ignored"}}},
                    {"recorded_at", timestamp_schema("The ping's recorded_at (a batch's latest)")}}}};
}

json::value nearby_drivers_schema() {
  json::object item{
      {"type", "object"},
      {"required", json::array{"driver_id", "lat", "lng", "accuracy_m", "heading", "speed_mps", "recorded_at", "distance_m"}},
      {"properties",
       json::object{{"driver_id", json::object{{"type", "string"}, {"format", "uuid"}}},
                    {"lat", number_schema(-90, 90, "WGS 84 latitude")},
                    {"lng", number_schema(-180, 180, "WGS 84 longitude")},
                    {"accuracy_m", nullable_number_schema(number_schema(0, kMaxAccuracyM, "Metres"))},
                    {"heading", nullable_number_schema(number_schema(0, 360, "Degrees from north"))},
                    {"speed_mps", nullable_number_schema(number_schema(0, kMaxSpeedMps, "Metres per second"))},
                    {"recorded_at", timestamp_schema("When the device took the fix")},
                    {"distance_m", json::object{{"type", "number"}, {"minimum", 0}, {"description", "From the searched point"}}}}}};
  return json::object{{"type", "object"},
                      {"required", json::array{"items"}},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", std::move(item)}}}}}};
}

}  // namespace nelo::deliveries
