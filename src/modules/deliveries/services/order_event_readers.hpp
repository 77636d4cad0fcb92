#pragma once
// What deliveries reads from the orders module's events (docs/events.md, "Order events"): the
// snapshots of order.created, and which order the others are about. Fields it does not know are
// ignored. Throws std::invalid_argument when the contract is broken (the bus retries, then parks
// the event as dead).

#include <boost/json/object.hpp>

#include <string>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

// order.created: the ids, the merchant's point, name, phone and address, the delivery address and
// notes, and the customer's first name (the first word of their name).
OrderSnapshot read_order_created(const boost::json::object& payload);

// order_id of order.accepted, order.cancelled, order.rejected.
std::string read_order_id(const boost::json::object& payload);

}  // namespace nelo::deliveries
