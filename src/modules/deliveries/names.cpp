#include "modules/deliveries/names.hpp"

namespace nelo::deliveries {

std::string_view to_string(DeliveryStatus status) noexcept {
  switch (status) {
    case DeliveryStatus::Pending: return "pending";
    case DeliveryStatus::Offered: return "offered";
    case DeliveryStatus::Assigned: return "assigned";
    case DeliveryStatus::AtPickup: return "at_pickup";
    case DeliveryStatus::PickedUp: return "picked_up";
    case DeliveryStatus::AtDropoff: return "at_dropoff";
    case DeliveryStatus::Delivered: return "delivered";
    case DeliveryStatus::Cancelled: return "cancelled";
    case DeliveryStatus::Failed: return "failed";
  }
  return "unknown";
}

std::string_view to_string(DeliveryAction action) noexcept {
  switch (action) {
    case DeliveryAction::Offer: return "offer";
    case DeliveryAction::Requeue: return "requeue";
    case DeliveryAction::Assign: return "assign";
    case DeliveryAction::ArrivePickup: return "arrive_pickup";
    case DeliveryAction::PickUp: return "pick_up";
    case DeliveryAction::ArriveDropoff: return "arrive_dropoff";
    case DeliveryAction::Deliver: return "deliver";
    case DeliveryAction::Fail: return "fail";
    case DeliveryAction::Cancel: return "cancel";
  }
  return "unknown";
}

std::string_view to_string(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Driver: return "driver";
    case ActorKind::Admin: return "admin";
    case ActorKind::System: return "system";
  }
  return "unknown";
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) noexcept {
  for (DeliveryStatus s : kAllStatuses) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace nelo::deliveries
