#include "modules/payments/state_machine.hpp"

#include <array>
#include <string>

#include "core/errors.hpp"
#include "modules/payments/names.hpp"
#include "shared/state_diagram.hpp"

namespace nelo::payments {
namespace {

using S = PaymentStatus;
using A = PaymentAction;

constexpr ActorSet kProvider = actor_bit(ActorKind::Provider);
constexpr ActorSet kSystem = actor_bit(ActorKind::System);
constexpr ActorSet kAdmin = actor_bit(ActorKind::Admin);

// clang-format off
constexpr std::array<Transition, 10> kTransitions = {{
    // from                       action           to                       who                   event
    {S::RequiresAuthorization, A::Authorize,   S::Authorized,          kProvider,            "payment.authorized"},
    {S::Authorized,            A::Capture,     S::Captured,            kSystem,              "payment.captured"},
    {S::Captured,              A::RefundPart,  S::PartiallyRefunded,   kAdmin | kSystem,     "payment.refunded"},
    {S::PartiallyRefunded,     A::RefundPart,  S::PartiallyRefunded,   kAdmin | kSystem,     "payment.refunded"},
    {S::PartiallyRefunded,     A::RefundRest,  S::Refunded,            kAdmin | kSystem,     "payment.refunded"},
    {S::Captured,              A::RefundRest,  S::Refunded,            kAdmin | kSystem,     "payment.refunded"},
    // the provider declines (card), with a reason the customer can read; or the platform, when the
    // provider was never asked (the token was lost) or never answered in time (the sweep)
    {S::RequiresAuthorization, A::Fail,        S::Failed,              kProvider | kSystem,  "payment.failed"},
    // cash: nothing to authorize; the driver collects it on delivery
    {S::RequiresAuthorization, A::Collect,     S::Captured,            kSystem,              "payment.captured"},
    // the order did not happen before any capture (the platform), or the hold expired (provider)
    {S::RequiresAuthorization, A::Void,        S::Voided,              kSystem,              "payment.voided"},
    {S::Authorized,            A::Void,        S::Voided,              kSystem | kProvider,  "payment.voided"},
}};
// clang-format on

std::string_view done(PaymentAction action) noexcept {
  switch (action) {
    case A::Authorize: return "authorized";
    case A::Fail: return "failed";
    case A::Capture: return "captured";
    case A::Collect: return "collected in cash";
    case A::Void: return "voided";
    case A::RefundPart: return "partially refunded";
    case A::RefundRest: return "refunded";
  }
  return "changed";
}

std::string_view by(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Provider: return "by the provider";
    case ActorKind::System: return "by the platform";
    case ActorKind::Admin: return "by an admin";
  }
  return "";
}

StateDiagram diagram() {
  return make_state_diagram("payment", kInitialStatus, kAllStatuses, kTransitions, kAllActorKinds);
}

}  // namespace

std::span<const Transition> transitions() noexcept { return kTransitions; }

const Transition* find_transition(PaymentStatus from, PaymentAction action) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.action == action) return &t;
  }
  return nullptr;
}

const Transition& resolve_transition(PaymentStatus from, PaymentAction action, ActorKind actor) {
  const Transition* t = find_transition(from, action);
  std::string detail =
      "A payment in state '" + std::string(to_string(from)) + "' cannot be " + std::string(done(action));
  if (!t) throw Conflict(detail + " (action '" + std::string(to_string(action)) + "')");
  if (!t->allows(actor)) {
    throw Conflict(detail + " " + std::string(by(actor)) + " (action '" + std::string(to_string(action)) +
                   "' is for: " + nelo::actor_names(t->actors, kAllActorKinds) + ")");
  }
  return *t;
}

bool is_terminal(PaymentStatus status) noexcept {
  for (const auto& t : kTransitions) {
    if (t.from == status) return false;
  }
  return true;
}

bool may_ever_apply(PaymentStatus from, PaymentAction action, ActorKind actor) noexcept {
  // The statuses reachable from `from` (itself included), by a walk over the table.
  std::array<bool, std::size(kAllStatuses)> seen{};
  std::array<PaymentStatus, std::size(kAllStatuses)> queue{};
  std::size_t head = 0;
  std::size_t tail = 0;
  const auto index = [](PaymentStatus s) { return static_cast<std::size_t>(s); };
  seen[index(from)] = true;
  queue[tail++] = from;
  while (head < tail) {
    const PaymentStatus s = queue[head++];
    for (const auto& t : kTransitions) {
      if (t.from != s) continue;
      if (t.action == action && t.allows(actor)) return true;
      if (!seen[index(t.to)]) {
        seen[index(t.to)] = true;
        queue[tail++] = t.to;
      }
    }
  }
  return false;
}

int stage(PaymentStatus status) noexcept {
  switch (status) {
    case S::RequiresAuthorization: return 0;
    case S::Authorized: return 1;
    case S::Failed: return 2;
    case S::Voided: return 2;
    case S::Captured: return 2;
    case S::PartiallyRefunded: return 3;
    case S::Refunded: return 4;
  }
  return 0;
}

PaymentAction refund_action(std::int64_t captured, std::int64_t refunded, std::int64_t amount) {
  if (amount <= 0) throw ValidationError("amount", "must be a positive amount in minor units");
  const std::int64_t left = captured - refunded;
  if (amount > left) {
    throw Conflict("A refund of " + std::to_string(amount) + " exceeds what is left to refund (" +
                   std::to_string(left < 0 ? 0 : left) + " of " + std::to_string(captured) + " captured)");
  }
  return amount == left ? A::RefundRest : A::RefundPart;
}

std::string render_state_diagram(std::string_view format) {
  return nelo::render_state_diagram(diagram(), format);
}

}  // namespace nelo::payments
