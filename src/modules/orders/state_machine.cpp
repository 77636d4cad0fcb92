#include "modules/orders/state_machine.hpp"

#include <array>

#include "core/errors.hpp"
#include "modules/orders/names.hpp"
#include "shared/state_diagram.hpp"

namespace nelo::orders {
namespace {

using S = OrderStatus;
using A = Action;

constexpr ActorSet kCustomer = actor_bit(ActorKind::Customer);
constexpr ActorSet kMerchant = actor_bit(ActorKind::Merchant);
constexpr ActorSet kAdmin = actor_bit(ActorKind::Admin);
constexpr ActorSet kSystem = actor_bit(ActorKind::System);

// clang-format off
constexpr std::array<Transition, 14> kTransitions = {{
    // from                 action              to                    who                       event
    {S::PendingPayment,  A::Place,          S::Placed,          kSystem,                  "order.placed"},
    {S::Placed,          A::Accept,         S::Accepted,        kMerchant | kAdmin,       "order.accepted"},
    {S::Accepted,        A::StartPreparing, S::Preparing,       kMerchant | kAdmin,       "order.preparing"},
    {S::Preparing,       A::MarkReady,      S::ReadyForPickup,  kMerchant | kAdmin,       "order.ready_for_pickup"},
    {S::ReadyForPickup,  A::PickUp,         S::PickedUp,        kSystem,                  "order.picked_up"},
    {S::PickedUp,        A::Deliver,        S::Delivered,       kSystem,                  "order.delivered"},
    // payment failed / the merchant refuses
    {S::PendingPayment,  A::Reject,         S::Rejected,        kSystem,                  "order.rejected"},
    {S::Placed,          A::Reject,         S::Rejected,        kMerchant | kAdmin,       "order.rejected"},
    // the customer until the merchant accepted; an admin until it is delivered
    {S::PendingPayment,  A::Cancel,         S::Cancelled,       kCustomer | kAdmin,       "order.cancelled"},
    {S::Placed,          A::Cancel,         S::Cancelled,       kCustomer | kAdmin,       "order.cancelled"},
    {S::Accepted,        A::Cancel,         S::Cancelled,       kAdmin,                   "order.cancelled"},
    {S::Preparing,       A::Cancel,         S::Cancelled,       kAdmin,                   "order.cancelled"},
    {S::ReadyForPickup,  A::Cancel,         S::Cancelled,       kAdmin,                   "order.cancelled"},
    {S::PickedUp,        A::Cancel,         S::Cancelled,       kAdmin,                   "order.cancelled"},
}};
// clang-format on

// "An order in state 'x' cannot be <done>".
std::string_view done(Action action) noexcept {
  switch (action) {
    case A::Place: return "placed";
    case A::Accept: return "accepted";
    case A::Reject: return "rejected";
    case A::StartPreparing: return "marked as preparing";
    case A::MarkReady: return "marked ready for pickup";
    case A::PickUp: return "picked up";
    case A::Deliver: return "delivered";
    case A::Cancel: return "cancelled";
  }
  return "changed";
}

std::string_view by(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Customer: return "by its customer";
    case ActorKind::Merchant: return "by the merchant";
    case ActorKind::Admin: return "by an admin";
    case ActorKind::System: return "by the platform";
  }
  return "";
}

StateDiagram diagram() {
  return make_state_diagram("order", kInitialStatus, kAllStatuses, kTransitions, kAllActorKinds);
}

}  // namespace

std::span<const Transition> transitions() noexcept { return kTransitions; }

const Transition* find_transition(OrderStatus from, Action action) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.action == action) return &t;
  }
  return nullptr;
}

const Transition& resolve_transition(OrderStatus from, Action action, ActorKind actor) {
  const Transition* t = find_transition(from, action);
  std::string detail = "An order in state '" + std::string(to_string(from)) + "' cannot be " +
                       std::string(done(action));
  if (!t) throw Conflict(detail + " (action '" + std::string(to_string(action)) + "')");
  if (!t->allows(actor)) {
    throw Conflict(detail + " " + std::string(by(actor)) + " (action '" + std::string(to_string(action)) +
                   "' is for: " + nelo::actor_names(t->actors, kAllActorKinds) + ")");
  }
  return *t;
}

bool is_terminal(OrderStatus status) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == status) return false;
  }
  return true;
}

std::string render_state_diagram(std::string_view format) {
  return nelo::render_state_diagram(diagram(), format);
}

}  // namespace nelo::orders
