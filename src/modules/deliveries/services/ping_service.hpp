#pragma once
// Location pings of online drivers: each goes to the live index (LiveLocations, what dispatch
// searches) and to the write-behind of last-known positions (PositionWriter). A ping recorded
// before the position already held is acknowledged and ignored (not applied): devices resend,
// and networks reorder.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "modules/deliveries/deliveries_settings.hpp"
#include "modules/deliveries/live/live_locations.hpp"
#include "modules/deliveries/models.hpp"
#include "shared/interfaces/live_feed.hpp"

namespace nelo::deliveries {

class OnlineDrivers;
class PositionWriter;

class PingService {
 public:
  PingService(OnlineDrivers& online, LiveLocations& live, PositionWriter& writer, const DeliveriesSettings& settings,
              const Clock& clock, LiveFeed* feed = nullptr);

  // The recorded_at a ping may have now (ping_max_age back, ping_max_future ahead).
  PingWindow window() const;

  // Applies `position` as the driver's current one (its driver_id is set to `driver_id`).
  // Conflict when the driver is not online (no profile, or offline).
  boost::asio::awaitable<PingResult> record(std::string driver_id, DriverPosition position);

  // The latest of `points` by recorded_at, as record() does; the others are older by definition
  // and change nothing. `points` must not be empty.
  boost::asio::awaitable<PingResult> record_batch(std::string driver_id, std::vector<DriverPosition> points);

 private:
  OnlineDrivers& online_;
  LiveLocations& live_;
  PositionWriter& writer_;
  const DeliveriesSettings& settings_;
  const Clock& clock_;
  LiveFeed* feed_;  // told every applied position (the real-time gateway); may be null
};

}  // namespace nelo::deliveries
