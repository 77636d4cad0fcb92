#include "modules/deliveries/services/ping_service.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/errors.hpp"
#include "core/time.hpp"
#include "modules/deliveries/services/online_drivers.hpp"
#include "modules/deliveries/services/position_writer.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

PingService::PingService(OnlineDrivers& online, LiveLocations& live, PositionWriter& writer,
                         const DeliveriesSettings& settings, const Clock& clock, LiveFeed* feed)
    : online_(online), live_(live), writer_(writer), settings_(settings), clock_(clock), feed_(feed) {}

PingWindow PingService::window() const {
  const std::chrono::system_clock::time_point now = clock_.now();
  return {now - settings_.ping_max_age, now + settings_.ping_max_future};
}

asio::awaitable<PingResult> PingService::record(std::string driver_id, DriverPosition position) {
  if (!co_await online_.is_online(driver_id)) {
    throw Conflict("driver-offline",
                   "You are offline: go online first (POST /api/v1/deliveries/drivers/me/online), then send positions");
  }
  position.driver_id = driver_id;
  PingResult result;
  result.recorded_at = position.recorded_at;
  result.applied = co_await live_.update(position);
  if (!result.applied) co_return result;
  writer_.add(position);
  // Gone offline while this ping was on its way (its removal ran before the update above): the
  // driver must not stay in the index.
  if (online_.known_offline(driver_id)) {
    co_await live_.remove(driver_id);
    co_return result;
  }
  if (feed_) {
    LivePositionDto live;
    live.driver_id = position.driver_id;
    live.lat = position.point.lat;
    live.lng = position.point.lng;
    live.heading_deg = position.heading_deg;
    live.speed_mps = position.speed_mps;
    live.recorded_at = to_rfc3339_millis(std::chrono::time_point_cast<std::chrono::microseconds>(position.recorded_at));
    feed_->driver_moved(live);
  }
  co_return result;
}

asio::awaitable<PingResult> PingService::record_batch(std::string driver_id, std::vector<DriverPosition> points) {
  if (points.empty()) throw std::invalid_argument("record_batch: no points");
  auto latest = std::max_element(points.begin(), points.end(), [](const DriverPosition& a, const DriverPosition& b) {
    return a.recorded_at < b.recorded_at;
  });
  co_return co_await record(std::move(driver_id), std::move(*latest));
}

}  // namespace nelo::deliveries
