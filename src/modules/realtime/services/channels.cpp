#include "modules/realtime/services/channels.hpp"

#include <optional>
#include <utility>

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/order_interface.hpp"

namespace nelo::realtime {

namespace asio = boost::asio;

namespace topics {
std::string user_notifications(std::string_view user_id) { return "user:" + std::string(user_id) + ":notifications"; }
std::string user_offers(std::string_view user_id) { return "user:" + std::string(user_id) + ":offers"; }
std::string order(std::string_view order_id) { return "order:" + std::string(order_id); }
std::string driver_position(std::string_view driver_id) { return "driver:" + std::string(driver_id) + ":position"; }
std::string delivery_position(std::string_view delivery_id) {
  return "delivery:" + std::string(delivery_id) + ":position";
}
}  // namespace topics

namespace {

constexpr std::string_view kParam = "{id}";

[[noreturn]] void not_yours(std::string_view what) {
  throw Forbidden("You may not watch this " + std::string(what) + " (it is not yours, or does not exist)");
}

void require_role(const Principal& who, std::string_view role, std::string_view channel) {
  if (!who.has_role(role)) {
    throw Forbidden("The channel " + std::string(channel) + " is for accounts with the " + std::string(role) + " role");
  }
}

}  // namespace

bool match_channel(std::string_view pattern, std::string_view name, std::string& param) {
  param.clear();
  const auto at = pattern.find(kParam);
  if (at == std::string_view::npos) return name == pattern;
  const std::string_view prefix = pattern.substr(0, at);
  const std::string_view suffix = pattern.substr(at + kParam.size());
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) return false;
  const std::string_view id = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (!is_uuid(id)) return false;
  param = std::string(id);
  return true;
}

Channels::Channels(OrderInterface* orders, DeliveryInterface* deliveries) : orders_(orders), deliveries_(deliveries) {
  kinds_.push_back({"notifications", [](const Principal& who, std::string) -> asio::awaitable<std::vector<std::string>> {
                      co_return std::vector<std::string>{topics::user_notifications(who.user_id)};
                    }});
  kinds_.push_back({"driver:offers", [](const Principal& who, std::string) -> asio::awaitable<std::vector<std::string>> {
                      require_role(who, "driver", "driver:offers");
                      co_return std::vector<std::string>{topics::user_offers(who.user_id)};
                    }});
  kinds_.push_back({"admin:city", [](const Principal& who, std::string) -> asio::awaitable<std::vector<std::string>> {
                      require_role(who, "admin", "admin:city");
                      co_return std::vector<std::string>{std::string(topics::kCityPositions),
                                                         std::string(topics::kCityOrders)};
                    }});
  kinds_.push_back({"order:{id}", [this](const Principal& who, std::string id) -> asio::awaitable<std::vector<std::string>> {
                      if (!orders_) throw ServiceUnavailable("Orders are not served by this process");
                      const auto order = co_await orders_->get_order(id);
                      if (!order) not_yours("order");
                      bool allowed = who.is_admin() || order->customer_id == who.user_id ||
                                     (who.has_role("merchant") && order->merchant_owner_id == who.user_id);
                      if (!allowed && who.has_role("driver") && deliveries_) {
                        const auto delivery = co_await deliveries_->get_delivery_for_order(id);
                        allowed = delivery && delivery->driver && delivery->driver->id == who.user_id;
                      }
                      if (!allowed) not_yours("order");
                      co_return std::vector<std::string>{topics::order(id)};
                    }});
  kinds_.push_back({"delivery:{id}:position",
                    [this](const Principal& who, std::string id) -> asio::awaitable<std::vector<std::string>> {
                      if (!deliveries_) throw ServiceUnavailable("Deliveries are not served by this process");
                      const auto watch = co_await deliveries_->position_watch(id, who.user_id, who.roles);
                      if (!watch) {
                        throw Forbidden("You may not watch this delivery's driver (not yours, or outside the "
                                        "tracking window: from assignment until the drop-off)");
                      }
                      co_return std::vector<std::string>{topics::driver_position(watch->driver_id),
                                                         topics::delivery_position(id)};
                    }});
}

asio::awaitable<std::vector<std::string>> Channels::authorize(const Principal& who, std::string channel) const {
  std::string param;
  for (const auto& kind : kinds_) {
    if (match_channel(kind.pattern, channel, param)) co_return co_await kind.authorize(who, std::move(param));
  }
  throw BadRequest("Unknown channel \"" + channel +
                   "\": notifications, order:{id}, delivery:{id}:position, driver:offers or admin:city");
}

}  // namespace nelo::realtime
