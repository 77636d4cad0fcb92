#include "modules/deliveries/services/driver_locator.hpp"

#include "modules/deliveries/repositories/position_repository.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

DriverLocator::DriverLocator(LiveLocations& live, const DeliveriesSettings& settings, const Clock& clock)
    : live_(live), settings_(settings), clock_(clock) {}

std::chrono::system_clock::time_point DriverLocator::fresh_after() const {
  return std::chrono::system_clock::time_point(clock_.now()) - settings_.driver_silence_timeout;
}

asio::awaitable<std::vector<NearbyDriver>> DriverLocator::nearby(GeoPoint center, double radius_m, std::size_t limit) {
  co_return co_await live_.nearest(center, radius_m, limit, fresh_after());
}

asio::awaitable<std::size_t> DriverLocator::seed(PositionRepository& positions) {
  auto fresh = co_await positions.online_since(fresh_after());
  std::size_t seeded = 0;
  for (auto& position : fresh) {
    if (co_await live_.update(std::move(position))) ++seeded;
  }
  co_return seeded;
}

}  // namespace nelo::deliveries
