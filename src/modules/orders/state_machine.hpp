#pragma once
// The order state machine, declared as data: one table of transitions (from, action, to, who may
// do it, the event it publishes). The service enforces it through resolve_transition(), the only
// place an illegal transition is refused (409), and the diagram is drawn from the same table.
//
//   pending_payment --place--> placed --accept--> accepted --start_preparing--> preparing
//     --mark_ready--> ready_for_pickup --pick_up--> picked_up --deliver--> delivered
//   reject: pending_payment (payment failed, system) or placed (merchant, admin) -> rejected
//   cancel: before accepted (customer, admin), before delivered (admin) -> cancelled

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "modules/orders/models.hpp"

namespace nelo::orders {

// A set of ActorKinds as bits.
using ActorSet = std::uint8_t;
constexpr ActorSet actor_bit(ActorKind kind) noexcept { return static_cast<ActorSet>(1u << static_cast<unsigned>(kind)); }

struct Transition {
  OrderStatus from;
  Action action;
  OrderStatus to;
  ActorSet actors;         // who may perform it
  std::string_view event;  // published in the same transaction as the change

  bool allows(ActorKind kind) const noexcept { return (actors & actor_bit(kind)) != 0; }
};

// The whole table, in a stable order (the happy path first).
std::span<const Transition> transitions() noexcept;

// The row for (from, action), whoever asks; null when the action never applies in that state.
const Transition* find_transition(OrderStatus from, Action action) noexcept;

// The row for (from, action) if `actor` may perform it; otherwise throws Conflict (409) whose
// detail names the current status and the action, e.g. "An order in state 'delivered' cannot be
// cancelled (action 'cancel')".
const Transition& resolve_transition(OrderStatus from, Action action, ActorKind actor);

// No transition leaves it: delivered, rejected, cancelled.
bool is_terminal(OrderStatus status) noexcept;

// The status every order is created in.
inline constexpr OrderStatus kInitialStatus = OrderStatus::PendingPayment;

// Drawn from transitions(): "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws
// std::invalid_argument for any other format.
std::string render_state_diagram(std::string_view format);

}  // namespace nelo::orders
