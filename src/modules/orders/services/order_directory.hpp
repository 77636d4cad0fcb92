#pragma once
// The orders module's in-process implementation of OrderInterface (what payments, deliveries and
// notifications may ask it).

#include "shared/interfaces/order_interface.hpp"

namespace nelo::orders {

class OrderRepository;

class OrderDirectory final : public OrderInterface {
 public:
  explicit OrderDirectory(OrderRepository& orders) : orders_(orders) {}

  boost::asio::awaitable<std::optional<OrderSummaryDto>> get_order(std::string order_id) override;

 private:
  OrderRepository& orders_;
};

}  // namespace nelo::orders
