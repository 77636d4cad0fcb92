#pragma once
// The deliveries module's in-process implementation of DeliveryInterface (what orders asks it
// when it composes an order's details).

#include "shared/interfaces/delivery_interface.hpp"

namespace nelo {
class UserInterface;
}

namespace nelo::deliveries {

class DeliveryRepository;

class DeliveryDirectory final : public DeliveryInterface {
 public:
  // `users` (may be null) names the driver; without it the driver has an id and no name.
  DeliveryDirectory(DeliveryRepository& deliveries, UserInterface* users) : deliveries_(deliveries), users_(users) {}

  // The delivery with its PIN (the caller shows it to the order's customer only) and, once one
  // holds it, the driver's id and first name.
  boost::asio::awaitable<std::optional<DeliverySummaryDto>> get_delivery_for_order(std::string order_id) override;
  // By role_for() and sees_position(), the rules of GET /deliveries/{id}/tracking.
  boost::asio::awaitable<std::optional<PositionWatchDto>> position_watch(std::string delivery_id, std::string viewer_id,
                                                                        std::vector<std::string> roles) override;

 private:
  DeliveryRepository& deliveries_;
  UserInterface* users_;
};

}  // namespace nelo::deliveries
