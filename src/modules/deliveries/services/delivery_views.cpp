#include "modules/deliveries/services/delivery_views.hpp"

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/first_name.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/interfaces/user_interface.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

[[noreturn]] void delivery_not_found(const std::string& id) {
  throw NotFound(is_uuid(id) ? "Delivery " + id + " does not exist" : std::string("The delivery does not exist"));
}

}  // namespace

std::optional<ViewerRole> role_for(const Delivery& d, const DeliveryViewer& v) noexcept {
  if (v.user_id.empty()) return std::nullopt;
  if (v.admin) return ViewerRole::Admin;
  if (v.driver && d.driver_id == v.user_id) return ViewerRole::Driver;
  if (v.customer && d.customer_id == v.user_id) return ViewerRole::Customer;
  if (v.merchant && d.merchant_owner_id == v.user_id) return ViewerRole::Merchant;
  return std::nullopt;
}

bool sees_position(ViewerRole role, DeliveryStatus status) noexcept {
  switch (role) {
    case ViewerRole::Admin:
    case ViewerRole::Driver:
    case ViewerRole::Customer: return is_held_by_driver(status);
    case ViewerRole::Merchant: return false;
  }
  return false;
}

asio::awaitable<DeliveryView> DeliveryViews::get(DeliveryViewer viewer, std::string delivery_id) {
  if (!is_uuid(delivery_id)) delivery_not_found(delivery_id);
  auto delivery = co_await deliveries_.find(delivery_id);
  if (!delivery) delivery_not_found(delivery_id);
  const auto role = role_for(*delivery, viewer);
  if (!role) delivery_not_found(delivery_id);
  DeliveryView view;
  view.role = *role;
  if (delivery->driver_id && users_) {
    if (auto user = co_await users_->get_user_by_id(*delivery->driver_id)) view.driver_first_name = first_name(user->name);
  }
  view.delivery = std::move(*delivery);
  co_return view;
}

asio::awaitable<TrackingView> DeliveryViews::tracking(DeliveryViewer viewer, std::string delivery_id) {
  TrackingView out;
  out.view = co_await get(std::move(viewer), std::move(delivery_id));
  const Delivery& d = out.view.delivery;
  if (d.driver_id && sees_position(out.view.role, d.status)) out.position = co_await live_.get(*d.driver_id);
  co_return out;
}

}  // namespace nelo::deliveries
