#pragma once
// The text forms of the orders module's enumerations, as they appear in the API, the database
// and event payloads ("ready_for_pickup", "start_preparing", "merchant", "card").

#include <optional>
#include <string_view>

#include "modules/orders/models.hpp"

namespace nelo::orders {

std::string_view to_string(OrderStatus status) noexcept;
std::string_view to_string(Action action) noexcept;
std::string_view to_string(ActorKind actor) noexcept;
std::string_view to_string(PaymentMethod method) noexcept;

std::optional<OrderStatus> parse_status(std::string_view text) noexcept;
std::optional<Action> parse_action(std::string_view text) noexcept;
std::optional<ActorKind> parse_actor_kind(std::string_view text) noexcept;
std::optional<PaymentMethod> parse_payment_method(std::string_view text) noexcept;

// Every status, in the order of the happy path first, then the two dead ends.
inline constexpr OrderStatus kAllStatuses[] = {
    OrderStatus::PendingPayment, OrderStatus::Placed,    OrderStatus::Accepted,
    OrderStatus::Preparing,      OrderStatus::ReadyForPickup, OrderStatus::PickedUp,
    OrderStatus::Delivered,      OrderStatus::Rejected,  OrderStatus::Cancelled};

inline constexpr Action kAllActions[] = {Action::Place,     Action::Accept, Action::Reject,  Action::StartPreparing,
                                         Action::MarkReady, Action::PickUp, Action::Deliver, Action::Cancel};

inline constexpr ActorKind kAllActorKinds[] = {ActorKind::Customer, ActorKind::Merchant, ActorKind::Admin,
                                               ActorKind::System};

// "pending_payment, placed, ..." for error messages and documentation.
std::string_view status_list() noexcept;

}  // namespace nelo::orders
