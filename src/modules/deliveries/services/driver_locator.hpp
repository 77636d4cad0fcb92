#pragma once
// Finding drivers around a point, over the live index: only those whose last fix is younger than
// driver_silence_timeout (a silent driver is not offered work, nor listed), nearest first.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <vector>

#include "core/time.hpp"
#include "modules/deliveries/deliveries_settings.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

class PositionRepository;

class DriverLocator {
 public:
  DriverLocator(LiveLocations& live, const DeliveriesSettings& settings, const Clock& clock);

  // The fresh drivers within `radius_m` of `center`, nearest first, at most `limit`.
  boost::asio::awaitable<std::vector<NearbyDriver>> nearby(GeoPoint center, double radius_m, std::size_t limit);

  // After a restart the live index (in process) is empty: fills it with the last-known positions
  // of the drivers flagged online that are still fresh, so they can be offered work before their
  // next ping. A newer position already in the index (Redis, shared) is kept. Returns how many.
  boost::asio::awaitable<std::size_t> seed(PositionRepository& positions);

 private:
  std::chrono::system_clock::time_point fresh_after() const;

  LiveLocations& live_;
  const DeliveriesSettings& settings_;
  const Clock& clock_;
};

}  // namespace nelo::deliveries
