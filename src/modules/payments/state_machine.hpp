#pragma once
// The payment state machine, declared as data: one table of transitions (from, action, to, who may
// do it, the event it publishes). Services enforce it through resolve_transition(), the only place
// an illegal transition is refused (409), and `nelo payments diagram` draws the same table.
//
//   requires_authorization --authorize--> authorized --capture--> captured
//     --refund_part--> partially_refunded --refund_rest--> refunded
//   fail: the provider declines before authorizing -> failed
//   void: before any capture, the order did not happen (or the hold expired) -> voided
//   collect: cash, collected by the driver on delivery -> captured
//   Nothing leads back from captured: only refunds leave it, and a refund never un-captures.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "modules/payments/payment_models.hpp"

namespace nelo::payments {

// A set of ActorKinds as bits.
using ActorSet = std::uint8_t;
constexpr ActorSet actor_bit(ActorKind kind) noexcept { return static_cast<ActorSet>(1u << static_cast<unsigned>(kind)); }

struct Transition {
  PaymentStatus from;
  PaymentAction action;
  PaymentStatus to;
  ActorSet actors;         // who may perform it
  std::string_view event;  // published in the same transaction as the change

  bool allows(ActorKind kind) const noexcept { return (actors & actor_bit(kind)) != 0; }
};

// The whole table, in a stable order (the happy path first).
std::span<const Transition> transitions() noexcept;

// The row for (from, action), whoever asks; null when the action never applies in that state.
const Transition* find_transition(PaymentStatus from, PaymentAction action) noexcept;

// The row for (from, action) if `actor` may perform it; otherwise throws Conflict (409) whose
// detail names the current status and the action, e.g. "A payment in state 'captured' cannot be
// voided (action 'void')".
const Transition& resolve_transition(PaymentStatus from, PaymentAction action, ActorKind actor);

// No transition leaves it: refunded, failed, voided.
bool is_terminal(PaymentStatus status) noexcept;

// Whether `actor` may perform `action` on a payment in `from`, or in any status it can still
// reach. False means the action is over for that payment whatever happens next: a provider's
// late news of it can be recorded as ignored without locking the payment.
bool may_ever_apply(PaymentStatus from, PaymentAction action, ActorKind actor) noexcept;

// How far along a payment is: every transition leads to a stage at least as far (a partial refund
// stays at its stage), so an event that would move a payment to an earlier stage is late news and
// is ignored (webhooks that arrive out of order).
int stage(PaymentStatus status) noexcept;

// Which refund a request for `amount` is, given what was captured and already refunded: refund_rest
// when it brings the refunded total to exactly `captured`, refund_part when less. Throws
// ValidationError (field "amount") for a non-positive amount and Conflict (409) when it would
// take the refunded total above the captured amount.
PaymentAction refund_action(std::int64_t captured, std::int64_t refunded, std::int64_t amount);

// The status every payment is created in.
inline constexpr PaymentStatus kInitialStatus = PaymentStatus::RequiresAuthorization;

// Drawn from transitions(): "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws
// std::invalid_argument for any other format.
std::string render_state_diagram(std::string_view format);

}  // namespace nelo::payments
