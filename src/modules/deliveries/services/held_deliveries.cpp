#include "modules/deliveries/services/held_deliveries.hpp"

#include "modules/deliveries/repositories/delivery_repository.hpp"

namespace nelo::deliveries {

boost::asio::awaitable<bool> HeldDeliveries::has_active(std::string driver_id) {
  co_return co_await deliveries_.driver_has_active(std::move(driver_id));
}

}  // namespace nelo::deliveries
