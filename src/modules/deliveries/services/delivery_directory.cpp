#include "modules/deliveries/services/delivery_directory.hpp"

#include <algorithm>
#include <string_view>

#include "core/uuid.hpp"
#include "modules/deliveries/names.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_views.hpp"
#include "modules/deliveries/services/first_name.hpp"
#include "shared/interfaces/user_interface.hpp"

namespace nelo::deliveries {

boost::asio::awaitable<std::optional<DeliverySummaryDto>> DeliveryDirectory::get_delivery_for_order(
    std::string order_id) {
  if (!is_uuid(order_id)) co_return std::nullopt;
  auto delivery = co_await deliveries_.find_by_order(order_id);
  if (!delivery) co_return std::nullopt;
  DeliverySummaryDto dto;
  dto.id = delivery->id;
  dto.order_id = delivery->order_id;
  dto.status = std::string(to_string(delivery->status));
  dto.pin = delivery->pin;
  if (delivery->driver_id) {
    DriverSummaryDto driver;
    driver.id = *delivery->driver_id;
    if (users_) {
      if (auto user = co_await users_->get_user_by_id(driver.id)) driver.name = first_name(user->name);
    }
    dto.driver = std::move(driver);
  }
  co_return dto;
}

boost::asio::awaitable<std::optional<PositionWatchDto>> DeliveryDirectory::position_watch(
    std::string delivery_id, std::string viewer_id, std::vector<std::string> roles) {
  if (!is_uuid(delivery_id)) co_return std::nullopt;
  auto delivery = co_await deliveries_.find(delivery_id);
  if (!delivery || !delivery->driver_id) co_return std::nullopt;
  const auto has = [&](std::string_view role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  DeliveryViewer viewer;
  viewer.user_id = std::move(viewer_id);
  viewer.admin = has("admin");
  viewer.driver = has("driver");
  viewer.merchant = has("merchant");
  viewer.customer = has("customer");
  const auto role = role_for(*delivery, viewer);
  if (!role || !sees_position(*role, delivery->status)) co_return std::nullopt;
  co_return PositionWatchDto{delivery->id, delivery->order_id, *delivery->driver_id};
}

}  // namespace nelo::deliveries
