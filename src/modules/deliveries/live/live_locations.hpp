#pragma once
// Where every online driver is now: the store dispatch searches for the drivers nearest a pickup,
// and tracking reads a driver's last position from. Two implementations pass one shared test
// suite (tests/deliveries/live_locations_suite.hpp): in process (one server) and Redis GEO
// (REDIS_URL set: several nelo processes share the positions). PostgreSQL keeps the last-known
// positions too, written in batches behind the pings; it is the record, this is the index.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::deliveries {

struct GeoPoint {
  double lat = 0;  // WGS 84 degrees, [-90, 90]
  double lng = 0;  // [-180, 180]

  bool operator==(const GeoPoint&) const = default;
};

// One driver's position as its app reported it.
struct DriverPosition {
  std::string driver_id;  // the driver's user id (UUID text)
  GeoPoint point;
  std::optional<double> accuracy_m;
  std::optional<double> heading_deg;  // [0, 360)
  std::optional<double> speed_mps;
  std::chrono::system_clock::time_point recorded_at;  // on the device, when the fix was taken

  bool operator==(const DriverPosition&) const = default;
};

struct NearbyDriver {
  DriverPosition position;
  double distance_m = 0;  // great-circle distance from the searched point
};

class LiveLocations {
 public:
  virtual ~LiveLocations() = default;

  // Keeps `position` as the driver's current one, unless the one held was recorded later (an
  // out-of-order ping): then nothing changes and the answer is false.
  virtual boost::asio::awaitable<bool> update(DriverPosition position) = 0;

  // The driver's current position, if it has one.
  virtual boost::asio::awaitable<std::optional<DriverPosition>> get(std::string driver_id) = 0;

  // The drivers within `radius_m` of `center` whose position was recorded at or after
  // `fresher_than`, nearest first, at most `limit` of them.
  virtual boost::asio::awaitable<std::vector<NearbyDriver>> nearest(
      GeoPoint center, double radius_m, std::size_t limit, std::chrono::system_clock::time_point fresher_than) = 0;

  // Forgets the driver (gone offline): it is found no more until its next update.
  virtual boost::asio::awaitable<void> remove(std::string driver_id) = 0;

  // Forgets every driver whose position was recorded before `recorded_before`: phones gone
  // silent without going offline (a dead battery, an uninstalled app), which searches skip but
  // which would otherwise stay forever. Returns how many were forgotten.
  virtual boost::asio::awaitable<std::size_t> prune(std::chrono::system_clock::time_point recorded_before) = 0;
};

}  // namespace nelo::deliveries
