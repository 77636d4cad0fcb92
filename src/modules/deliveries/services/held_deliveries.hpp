#pragma once
// The drivers service's ActiveDeliveries over dispatch's tables: a driver carries a delivery while
// they hold an active assignment (from accepting an offer until the delivery ends).

#include "modules/deliveries/services/active_deliveries.hpp"

namespace nelo::deliveries {

class DeliveryRepository;

class HeldDeliveries final : public ActiveDeliveries {
 public:
  explicit HeldDeliveries(DeliveryRepository& deliveries) : deliveries_(deliveries) {}
  boost::asio::awaitable<bool> has_active(std::string driver_id) override;

 private:
  DeliveryRepository& deliveries_;
};

}  // namespace nelo::deliveries
