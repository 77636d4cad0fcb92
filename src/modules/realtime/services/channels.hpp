#pragma once
// The channels a real-time client may subscribe to, as one table: each kind names its pattern,
// who may subscribe (checked on subscribe, and again whenever the right may have ended) and the
// hub topics that feed it. Adding a channel is one row in channels.cpp plus, when a new source
// feeds it, a line in event_feeds.cpp or the live feed.
//
//   notifications            the caller's own notifications (notification.created, realtime on)
//   order:{id}               status changes of an order the caller may see: its customer, its
//                            merchant (the shop's owner), its driver, admins (order.*, delivery.*)
//   delivery:{id}:position   the position of the driver of a delivery, for its customer, its driver
//                            and admins, only while a driver holds it (the tracking privacy window)
//   driver:offers            the offers made to the caller (role driver), as they are made
//   admin:city               every driver's position and every order change (role admin)

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/security/principal.hpp"

namespace nelo {
class OrderInterface;
class DeliveryInterface;
}  // namespace nelo

namespace nelo::realtime {

// Hub topics (hub.hpp), the addresses the feeds publish to.
namespace topics {
std::string user_notifications(std::string_view user_id);
std::string user_offers(std::string_view user_id);
std::string order(std::string_view order_id);
std::string driver_position(std::string_view driver_id);
std::string delivery_position(std::string_view delivery_id);  // its window's end (no data)
inline constexpr std::string_view kCityPositions = "city:positions";
inline constexpr std::string_view kCityOrders = "city:orders";
}  // namespace topics

struct ChannelKind {
  std::string pattern;  // "order:{id}": prefix, then a UUID for {id}, then the suffix
  // The topics that feed the channel for `who`; `param` is the {id} (empty for a fixed name).
  // Throws Forbidden (not theirs, or not now), NotFound, ServiceUnavailable.
  std::function<boost::asio::awaitable<std::vector<std::string>>(const Principal& who, std::string param)> authorize;
};

class Channels {
 public:
  // Either interface may be null (a module this process does not serve): its channels are then
  // refused as unavailable.
  Channels(OrderInterface* orders, DeliveryInterface* deliveries);

  // The topics of `channel` for `who`. Throws BadRequest for a name no kind matches, or what the
  // kind's authorize throws.
  boost::asio::awaitable<std::vector<std::string>> authorize(const Principal& who, std::string channel) const;

  const std::vector<ChannelKind>& kinds() const { return kinds_; }

 private:
  OrderInterface* orders_;
  DeliveryInterface* deliveries_;
  std::vector<ChannelKind> kinds_;
};

// Matches `name` against `pattern` ("order:{id}"): true with the {id} in `param` (a UUID), or with
// an empty `param` for a pattern without one. Pure, for tests.
bool match_channel(std::string_view pattern, std::string_view name, std::string& param);

}  // namespace nelo::realtime
