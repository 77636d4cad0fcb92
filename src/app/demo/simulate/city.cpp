#include "app/demo/simulate/city.hpp"

namespace nelo::app::demo::sim {

std::shared_ptr<Order> City::add_order(std::string id, Customer& customer, Shop& shop) {
  auto order = std::make_shared<Order>();
  order->id = id;
  order->customer = &customer;
  order->shop = &shop;
  order->placed_at = Order::Clock::now();
  orders_.emplace(std::move(id), order);
  return order;
}

void City::set_delivery(Order& order, std::string delivery_id) {
  order.delivery_id = delivery_id;
  if (auto it = orders_.find(order.id); it != orders_.end()) by_delivery_[std::move(delivery_id)] = it->second;
}

std::shared_ptr<Order> City::order_of_delivery(const std::string& delivery_id) const {
  auto it = by_delivery_.find(delivery_id);
  return it == by_delivery_.end() ? nullptr : it->second;
}

// Forgotten once finished: a long run keeps only the orders in flight.
void City::finish(Order& order) {
  if (order.finished) return;
  order.finished = true;
  // Copies: erasing may drop the last reference to `order`.
  const std::string id = order.id, delivery_id = order.delivery_id;
  if (!delivery_id.empty()) by_delivery_.erase(delivery_id);
  orders_.erase(id);
}

std::vector<std::shared_ptr<Order>> City::unfinished() const {
  std::vector<std::shared_ptr<Order>> out;
  for (const auto& [id, order] : orders_) out.push_back(order);
  return out;
}

}  // namespace nelo::app::demo::sim
