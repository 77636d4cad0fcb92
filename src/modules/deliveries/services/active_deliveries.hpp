#pragma once
// Whether a driver is carrying a delivery right now: going offline is refused while one is
// (DriverService::go_offline). HeldDeliveries implements it over dispatch's assignments.

#include <boost/asio/awaitable.hpp>

#include <string>

namespace nelo::deliveries {

class ActiveDeliveries {
 public:
  virtual ~ActiveDeliveries() = default;
  virtual boost::asio::awaitable<bool> has_active(std::string driver_id) = 0;
};

}  // namespace nelo::deliveries
