#include "modules/orders/services/order_directory.hpp"

#include "core/uuid.hpp"
#include "modules/orders/names.hpp"
#include "modules/orders/repositories/order_repository.hpp"

namespace nelo::orders {

boost::asio::awaitable<std::optional<OrderSummaryDto>> OrderDirectory::get_order(std::string order_id) {
  if (!is_uuid(order_id)) co_return std::nullopt;
  auto order = co_await orders_.find(order_id);
  if (!order) co_return std::nullopt;
  OrderSummaryDto dto;
  dto.id = order->id;
  dto.customer_id = order->customer_id;
  dto.merchant_id = order->merchant_id;
  dto.merchant_owner_id = order->merchant_owner_id;
  dto.status = std::string(to_string(order->status));
  dto.payment_method = std::string(to_string(order->payment_method));
  dto.total.amount = order->pricing.total;
  dto.total.currency = order->pricing.currency;
  dto.pickup.lat = order->merchant.point.lat;
  dto.pickup.lng = order->merchant.point.lng;
  dto.dropoff.lat = order->delivery_address.point.lat;
  dto.dropoff.lng = order->delivery_address.point.lng;
  dto.created_at = to_rfc3339_millis(order->created_at);
  co_return dto;
}

}  // namespace nelo::orders
