#pragma once
// Payloads of the events the orders module publishes (docs/events.md, "Order events"), and the
// one thing it reads from the events it subscribes to: which order they are about.

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "modules/orders/models.hpp"
#include "modules/orders/state_machine.hpp"

namespace nelo::orders {

inline constexpr std::string_view kOrderCreated = "order.created";
inline constexpr int kOrderEventVersion = 1;

// order.created: the whole order as placed (lines, pricing, snapshots) and the payment method,
// with the card's provider token for the payments module.
boost::json::object order_created_payload(const Order& order, const Payment& payment);

// Every transition event (order.placed, order.accepted, ...): the order as it is after the
// change, where it came from, what was done and by whom.
boost::json::object order_transition_payload(const Order& order, const Transition& transition, const Actor& actor,
                                             const std::optional<std::string>& reason);

// {order_id, reason?} of payment.authorized, payment.failed, delivery.picked_up and
// delivery.completed. Fields it does not know are ignored. Throws std::invalid_argument when
// order_id is missing or not a UUID (the contract is broken: the delivery is retried, then dead).
struct OrderReference {
  std::string order_id;
  std::optional<std::string> reason;
};
OrderReference parse_order_reference(const boost::json::object& payload);

}  // namespace nelo::orders
