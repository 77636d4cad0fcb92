#pragma once
// The text forms of the deliveries module's enumerations, as they appear in the API, the database
// and event payloads ("at_pickup", "arrive_pickup", "driver").

#include <optional>
#include <string_view>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

std::string_view to_string(DeliveryStatus status) noexcept;
std::string_view to_string(DeliveryAction action) noexcept;
std::string_view to_string(ActorKind actor) noexcept;

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) noexcept;

// The happy path first, then the two dead ends.
inline constexpr DeliveryStatus kAllStatuses[] = {
    DeliveryStatus::Pending,   DeliveryStatus::Offered,   DeliveryStatus::Assigned,
    DeliveryStatus::AtPickup,  DeliveryStatus::PickedUp,  DeliveryStatus::AtDropoff,
    DeliveryStatus::Delivered, DeliveryStatus::Cancelled, DeliveryStatus::Failed};

inline constexpr ActorKind kAllActorKinds[] = {ActorKind::Driver, ActorKind::Admin, ActorKind::System};

}  // namespace nelo::deliveries
