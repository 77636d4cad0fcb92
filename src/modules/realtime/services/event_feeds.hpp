#pragma once
// What the bus's events become on the real-time channels: the table of the events the gateway
// follows, and for each the hub messages it makes (who hears it, with which data). Pure: the
// module's subscriptions send what it returns to the hub.
//
//   order.placed ... order.cancelled   -> order:<id> and city:orders (status change)
//   delivery.assigned ... cancelled    -> order:<order_id> and city:orders (the delivery's step);
//                                         completed/failed/cancelled also end delivery:<id>:position,
//                                         failed/cancelled re-check order:<order_id> (the driver's
//                                         right to it ends)
//   notification.created (realtime)    -> user:<user_id>:notifications
// Positions and offers do not come from the bus: see live_feed_adapter.hpp.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "modules/realtime/services/hub.hpp"

namespace nelo::realtime {

// The event names the gateway subscribes to.
const std::vector<std::string>& followed_events();

// The hub messages of one event (empty: nothing to say, e.g. a notification with realtime off, or
// a payload without the ids it needs).
std::vector<HubMessage> hub_messages_for(std::string_view event_name, const boost::json::object& payload);

}  // namespace nelo::realtime
