#pragma once
// The delivery state machine, declared as data: one table of transitions (from, action, to, who may
// do it, the event it publishes, if any). Services enforce it through resolve_transition(), the
// only place an illegal transition is refused (409), and the diagram is drawn from the same table.
//
//   pending --offer--> offered --assign--> assigned --arrive_pickup--> at_pickup --pick_up-->
//     picked_up --arrive_dropoff--> at_dropoff --deliver--> delivered
//   requeue: offered -> pending (every offer declined or expired)
//   cancel: before pickup, by the platform (the order was cancelled) -> cancelled
//   fail: once assigned and before delivery, by the driver or an admin -> failed

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

// A set of ActorKinds as bits.
using ActorSet = std::uint8_t;
constexpr ActorSet actor_bit(ActorKind kind) noexcept { return static_cast<ActorSet>(1u << static_cast<unsigned>(kind)); }

struct Transition {
  DeliveryStatus from;
  DeliveryAction action;
  DeliveryStatus to;
  ActorSet actors;         // who may perform it
  std::string_view event;  // published in the same transaction as the change; empty: none

  bool allows(ActorKind kind) const noexcept { return (actors & actor_bit(kind)) != 0; }
};

// The whole table, in a stable order (the happy path first).
std::span<const Transition> transitions() noexcept;

// The row for (from, action), whoever asks; null when the action never applies in that state.
const Transition* find_transition(DeliveryStatus from, DeliveryAction action) noexcept;

// The row for (from, action) if `actor` may perform it; otherwise throws Conflict (409) whose
// detail names the current status and the action.
const Transition& resolve_transition(DeliveryStatus from, DeliveryAction action, ActorKind actor);

// No transition leaves it: delivered, cancelled, failed.
bool is_terminal(DeliveryStatus status) noexcept;

// A driver holds the delivery: from assignment until it ends.
bool is_held_by_driver(DeliveryStatus status) noexcept;

// The status every delivery is created in.
inline constexpr DeliveryStatus kInitialStatus = DeliveryStatus::Pending;

// Drawn from transitions(): "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws
// std::invalid_argument for any other format.
std::string render_state_diagram(std::string_view format);

}  // namespace nelo::deliveries
