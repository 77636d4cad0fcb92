#pragma once
// Driver profiles and availability: a user with the driver role describes their vehicle and
// capacity (PUT /drivers/me), then goes online to be offered work and offline to stop. Going
// offline forgets the driver's live position, and is refused while a delivery is in progress.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "modules/deliveries/live/live_locations.hpp"
#include "modules/deliveries/models.hpp"

namespace nelo::deliveries {

class ActiveDeliveries;
class DriverRepository;
class OnlineDrivers;

class DriverService {
 public:
  DriverService(DriverRepository& drivers, OnlineDrivers& online, LiveLocations& live, ActiveDeliveries& active);

  // NotFound before the user's first PUT.
  boost::asio::awaitable<Driver> get(std::string user_id);
  // Creates or replaces the profile (the online state is kept).
  boost::asio::awaitable<SavedDriver> save(std::string user_id, DriverProfile profile);
  // Conflict without a profile. Already online: nothing changes.
  boost::asio::awaitable<Driver> go_online(std::string user_id);
  // Conflict without a profile, or while the driver has a delivery in progress. Already
  // offline: nothing changes (and the answer is the same).
  boost::asio::awaitable<Driver> go_offline(std::string user_id);

 private:
  DriverRepository& drivers_;
  OnlineDrivers& online_;
  LiveLocations& live_;
  ActiveDeliveries& active_;
};

}  // namespace nelo::deliveries
