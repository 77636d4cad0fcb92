#pragma once
// Request and response bodies of /api/v1/deliveries/drivers: strict parsing into validated
// domain values (every problem reported at once as a 422, by field: "points[3].lat"), JSON
// serialization, and their OpenAPI schemas. Unknown fields are refused, never ignored.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/deliveries/live/live_locations.hpp"
#include "modules/deliveries/models.hpp"

namespace nelo::deliveries {

inline constexpr double kMaxSpeedMps = 100;          // 360 km/h: no bike, scooter or car delivers faster
inline constexpr double kMaxAccuracyM = 100'000;      // beyond, a fix says nothing of where the driver is
inline constexpr int kDefaultNearbyRadiusM = 5000;
inline constexpr int kMaxNearbyRadiusM = 50'000;
inline constexpr std::size_t kDefaultNearbyLimit = 20;
inline constexpr std::size_t kMaxNearbyLimit = 100;

// PUT /deliveries/drivers/me: {vehicle, capacity?}; the whole profile (capacity defaults to 1).
DriverProfile parse_driver_profile(const boost::json::object& body);

// PUT /deliveries/drivers/me/location: {lat, lng, accuracy_m?, heading?, speed_mps?, recorded_at},
// recorded_at within `window`. The position's driver_id is left empty (the caller's).
DriverPosition parse_ping(const boost::json::object& body, const PingWindow& window);

// POST /deliveries/drivers/me/location/batch: {points: [ping, ...]}, 1 to kMaxBatchPoints points,
// each checked as parse_ping does (errors named points[i].field).
std::vector<DriverPosition> parse_ping_batch(const boost::json::object& body, const PingWindow& window);

// GET /deliveries/drivers/nearby?lat=&lng=&radius_m=&limit= as received.
struct NearbyParameters {
  std::optional<std::string_view> lat;
  std::optional<std::string_view> lng;
  std::optional<std::string_view> radius_m;
  std::optional<std::string_view> limit;
};
struct NearbyQuery {
  GeoPoint center;
  int radius_m = kDefaultNearbyRadiusM;
  std::size_t limit = kDefaultNearbyLimit;
};
NearbyQuery parse_nearby_query(const NearbyParameters& parameters);

boost::json::object to_json(const Driver& driver);
// {"applied": bool, "recorded_at": "..."} as JSON text (sent for every ping: no tree in between).
std::string ping_result_text(const PingResult& result);
boost::json::object to_json(const std::vector<NearbyDriver>& drivers);

// OpenAPI 3.1 (JSON Schema) descriptions of the bodies above.
boost::json::value driver_schema();
boost::json::value driver_profile_schema();
boost::json::value ping_schema();
boost::json::value ping_batch_schema();
boost::json::value ping_result_schema();
boost::json::value nearby_drivers_schema();

}  // namespace nelo::deliveries
