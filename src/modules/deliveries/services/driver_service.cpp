#include "modules/deliveries/services/driver_service.hpp"

#include <utility>

#include "core/errors.hpp"
#include "modules/deliveries/repositories/driver_repository.hpp"
#include "modules/deliveries/services/active_deliveries.hpp"
#include "modules/deliveries/services/online_drivers.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

constexpr const char* kNoProfile =
    "You have no driver profile yet: create it first (PUT /api/v1/deliveries/drivers/me with your vehicle)";

Conflict no_profile() { return Conflict("driver-profile-missing", kNoProfile); }

}  // namespace

DriverService::DriverService(DriverRepository& drivers, OnlineDrivers& online, LiveLocations& live,
                             ActiveDeliveries& active)
    : drivers_(drivers), online_(online), live_(live), active_(active) {}

asio::awaitable<Driver> DriverService::get(std::string user_id) {
  auto driver = co_await drivers_.find(user_id);
  if (!driver) throw NotFound(kNoProfile);
  co_return std::move(*driver);
}

asio::awaitable<SavedDriver> DriverService::save(std::string user_id, DriverProfile profile) {
  co_return co_await drivers_.upsert(std::move(user_id), std::move(profile));
}

asio::awaitable<Driver> DriverService::go_online(std::string user_id) {
  auto driver = co_await drivers_.set_online(user_id);
  if (!driver) throw no_profile();
  online_.remember(user_id, true);
  co_return std::move(*driver);
}

asio::awaitable<Driver> DriverService::go_offline(std::string user_id) {
  if (co_await active_.has_active(user_id)) {
    throw Conflict("active-delivery",
                   "You have a delivery in progress: finish it (or have it reassigned) before going offline");
  }
  auto driver = co_await drivers_.set_offline(user_id);
  if (!driver) throw no_profile();
  online_.remember(user_id, false);
  co_await live_.remove(user_id);
  co_return std::move(*driver);
}

}  // namespace nelo::deliveries
