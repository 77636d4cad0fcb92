#include "modules/orders/names.hpp"

#include <string>

namespace nelo::orders {
namespace {

template <class E, std::size_t N>
std::optional<E> parse(std::string_view text, const E (&all)[N]) noexcept {
  for (E value : all) {
    if (to_string(value) == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(OrderStatus status) noexcept {
  switch (status) {
    case OrderStatus::PendingPayment: return "pending_payment";
    case OrderStatus::Placed: return "placed";
    case OrderStatus::Accepted: return "accepted";
    case OrderStatus::Preparing: return "preparing";
    case OrderStatus::ReadyForPickup: return "ready_for_pickup";
    case OrderStatus::PickedUp: return "picked_up";
    case OrderStatus::Delivered: return "delivered";
    case OrderStatus::Rejected: return "rejected";
    case OrderStatus::Cancelled: return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(Action action) noexcept {
  switch (action) {
    case Action::Place: return "place";
    case Action::Accept: return "accept";
    case Action::Reject: return "reject";
    case Action::StartPreparing: return "start_preparing";
    case Action::MarkReady: return "mark_ready";
    case Action::PickUp: return "pick_up";
    case Action::Deliver: return "deliver";
    case Action::Cancel: return "cancel";
  }
  return "unknown";
}

std::string_view to_string(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Customer: return "customer";
    case ActorKind::Merchant: return "merchant";
    case ActorKind::Admin: return "admin";
    case ActorKind::System: return "system";
  }
  return "unknown";
}

std::string_view to_string(PaymentMethod method) noexcept {
  switch (method) {
    case PaymentMethod::Card: return "card";
    case PaymentMethod::Cash: return "cash";
  }
  return "unknown";
}

std::optional<OrderStatus> parse_status(std::string_view text) noexcept { return parse(text, kAllStatuses); }
std::optional<Action> parse_action(std::string_view text) noexcept { return parse(text, kAllActions); }
std::optional<ActorKind> parse_actor_kind(std::string_view text) noexcept { return parse(text, kAllActorKinds); }

std::optional<PaymentMethod> parse_payment_method(std::string_view text) noexcept {
  constexpr PaymentMethod kAll[] = {PaymentMethod::Card, PaymentMethod::Cash};
  return parse(text, kAll);
}

std::string_view status_list() noexcept {
  static const std::string kList = [] {
    std::string out;
    for (OrderStatus s : kAllStatuses) {
      if (!out.empty()) out += ", ";
      out += to_string(s);
    }
    return out;
  }();
  return kList;
}

}  // namespace nelo::orders
