#pragma once
// What a notification needs from an order, payment or delivery event (docs/events.md), read from
// its payload alone: who is concerned and the values the templates show. Pure: unit-tested.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/interfaces/money.hpp"

namespace nelo::notifications {

struct EventFacts {
  std::string order_id;
  std::optional<std::string> customer_id;
  std::optional<std::string> merchant_id;
  std::optional<std::string> merchant_owner_id;
  std::optional<std::string> driver_id;
  std::optional<std::string> delivery_id;
  std::optional<std::string> payment_id;
  std::optional<std::string> payment_method;  // card | cash (order events)
  std::optional<std::string> merchant_name;   // order.created's pickup snapshot
  std::optional<Money> amount;                // order total, payment amount, refund
  std::optional<std::string> reason;
  std::optional<std::int64_t> waited_seconds;  // delivery.unassigned
  std::optional<std::int64_t> order_version;   // order events: the order's version after the change
};

// Throws std::invalid_argument when the payload has no valid order_id (a broken contract: the bus
// retries, then parks the delivery as dead for an admin). Other fields are optional: a malformed
// one is treated as absent.
EventFacts read_event_facts(std::string_view event_name, const boost::json::object& payload);

}  // namespace nelo::notifications
