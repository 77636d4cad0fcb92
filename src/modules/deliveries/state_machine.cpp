#include "modules/deliveries/state_machine.hpp"

#include <array>

#include "core/errors.hpp"
#include "modules/deliveries/names.hpp"
#include "shared/state_diagram.hpp"

namespace nelo::deliveries {
namespace {

using S = DeliveryStatus;
using A = DeliveryAction;

constexpr ActorSet kDriver = actor_bit(ActorKind::Driver);
constexpr ActorSet kAdmin = actor_bit(ActorKind::Admin);
constexpr ActorSet kSystem = actor_bit(ActorKind::System);

// clang-format off
constexpr std::array<Transition, 16> kTransitions = {{
    // from            action              to               who                       event
    {S::Pending,    A::Offer,          S::Offered,      kSystem,                  ""},
    {S::Offered,    A::Assign,         S::Assigned,     kDriver,                  "delivery.assigned"},
    {S::Assigned,   A::ArrivePickup,   S::AtPickup,     kDriver,                  ""},
    {S::AtPickup,   A::PickUp,         S::PickedUp,     kDriver,                  "delivery.picked_up"},
    {S::PickedUp,   A::ArriveDropoff,  S::AtDropoff,    kDriver,                  ""},
    {S::AtDropoff,  A::Deliver,        S::Delivered,    kDriver | kAdmin,         "delivery.completed"},
    // every offer declined or expired: back to the queue
    {S::Offered,    A::Requeue,        S::Pending,      kSystem,                  ""},
    // the order was cancelled before the parcel left the merchant
    {S::Pending,    A::Cancel,         S::Cancelled,    kSystem,                  "delivery.cancelled"},
    {S::Offered,    A::Cancel,         S::Cancelled,    kSystem,                  "delivery.cancelled"},
    {S::Assigned,   A::Cancel,         S::Cancelled,    kSystem,                  "delivery.cancelled"},
    {S::AtPickup,   A::Cancel,         S::Cancelled,    kSystem,                  "delivery.cancelled"},
    // the driver (or an admin for them) gives up, with a reason
    {S::Assigned,   A::Fail,           S::Failed,       kDriver | kAdmin,         "delivery.failed"},
    {S::AtPickup,   A::Fail,           S::Failed,       kDriver | kAdmin,         "delivery.failed"},
    {S::PickedUp,   A::Fail,           S::Failed,       kDriver | kAdmin,         "delivery.failed"},
    {S::AtDropoff,  A::Fail,           S::Failed,       kDriver | kAdmin,         "delivery.failed"},
    // the customer is at the door but the PIN cannot be checked: an admin hands it over
    {S::PickedUp,   A::Deliver,        S::Delivered,    kAdmin,                   "delivery.completed"},
}};
// clang-format on

std::string_view done(DeliveryAction action) noexcept {
  switch (action) {
    case A::Offer: return "offered to a driver";
    case A::Requeue: return "put back in the queue";
    case A::Assign: return "accepted";
    case A::ArrivePickup: return "marked arrived at pickup";
    case A::PickUp: return "picked up";
    case A::ArriveDropoff: return "marked arrived at drop-off";
    case A::Deliver: return "delivered";
    case A::Fail: return "marked failed";
    case A::Cancel: return "cancelled";
  }
  return "changed";
}

std::string_view by(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Driver: return "by a driver";
    case ActorKind::Admin: return "by an admin";
    case ActorKind::System: return "by the platform";
  }
  return "";
}

StateDiagram diagram() {
  return make_state_diagram("delivery", kInitialStatus, kAllStatuses, kTransitions, kAllActorKinds);
}

}  // namespace

std::span<const Transition> transitions() noexcept { return kTransitions; }

const Transition* find_transition(DeliveryStatus from, DeliveryAction action) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.action == action) return &t;
  }
  return nullptr;
}

const Transition& resolve_transition(DeliveryStatus from, DeliveryAction action, ActorKind actor) {
  // (from, action) may have one row per set of actors (deliver from picked_up is an admin's only).
  const Transition* any = nullptr;
  for (const auto& t : kTransitions) {
    if (t.from != from || t.action != action) continue;
    if (t.allows(actor)) return t;
    any = &t;
  }
  std::string detail =
      "A delivery in state '" + std::string(to_string(from)) + "' cannot be " + std::string(done(action));
  if (!any) throw Conflict(detail + " (action '" + std::string(to_string(action)) + "')");
  throw Conflict(detail + " " + std::string(by(actor)) + " (action '" + std::string(to_string(action)) +
                 "' is for: " + nelo::actor_names(any->actors, kAllActorKinds) + ")");
}

bool is_terminal(DeliveryStatus status) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == status) return false;
  }
  return true;
}

bool is_held_by_driver(DeliveryStatus status) noexcept {
  return status == S::Assigned || status == S::AtPickup || status == S::PickedUp || status == S::AtDropoff;
}

std::string render_state_diagram(std::string_view format) {
  return nelo::render_state_diagram(diagram(), format);
}

}  // namespace nelo::deliveries
