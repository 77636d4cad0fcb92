#pragma once
// Payloads of the events the deliveries module publishes (docs/events.md, "Delivery events").

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "modules/deliveries/delivery_models.hpp"
#include "modules/deliveries/state_machine.hpp"

namespace nelo::deliveries {

inline constexpr int kDeliveryEventVersion = 1;
inline constexpr std::string_view kDeliveryUnassigned = "delivery.unassigned";

// Every transition event (delivery.assigned, .picked_up, .completed, .failed, .cancelled): the
// delivery as it is after the change (ids, status, driver), where it came from, what was done and
// by whom, its milestones, and the distance from pickup to drop-off.
boost::json::object delivery_transition_payload(const Delivery& delivery, const Transition& transition,
                                                const Actor& actor, const std::optional<std::string>& reason);

// delivery.unassigned: nobody took it within the bound; how long it has waited and how far the
// search went.
boost::json::object delivery_unassigned_payload(const Delivery& delivery, int waited_seconds, int search_radius_m);

}  // namespace nelo::deliveries
