#include "modules/deliveries/services/delivery_views.hpp"

#include <unordered_map>

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

asio::awaitable<DeliveryPage> DeliveryViews::list(DeliveryViewer viewer, DeliveryListQuery query) {
  if (!viewer.admin) throw Forbidden("Only admins list deliveries");
  DeliveryPage page;
  if (query.driver_id && !is_uuid(*query.driver_id)) co_return page;
  const std::size_t limit = query.limit;
  auto deliveries = co_await deliveries_.list(query, limit + 1);
  if (deliveries.size() > limit) {
    deliveries.resize(limit);
    page.next = DeliveryKey{deliveries.back().created_at, deliveries.back().id};
  }
  // Each driver's first name once per page, however many of its deliveries the page shows.
  std::unordered_map<std::string, std::optional<std::string>> first_names;
  page.items.reserve(deliveries.size());
  for (auto& d : deliveries) {
    DeliveryView view;
    view.role = ViewerRole::Admin;
    if (d.driver_id && users_) {
      auto known = first_names.find(*d.driver_id);
      if (known == first_names.end()) {
        std::optional<std::string> name;
        if (auto user = co_await users_->get_user_by_id(*d.driver_id)) name = first_name(user->name);
        known = first_names.emplace(*d.driver_id, std::move(name)).first;
      }
      view.driver_first_name = known->second;
    }
    view.delivery = std::move(d);
    page.items.push_back(std::move(view));
  }
  co_return page;
}

}  // namespace nelo::deliveries
