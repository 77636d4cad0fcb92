#pragma once
// The text forms of the payments module's enumerations, as they appear in the API, the database
// and event payloads ("requires_authorization", "refund_part", "provider").

#include <optional>
#include <string_view>

#include "modules/payments/payment_models.hpp"

namespace nelo::payments {

std::string_view to_string(PaymentStatus status) noexcept;
std::string_view to_string(PaymentAction action) noexcept;
std::string_view to_string(ActorKind actor) noexcept;
std::string_view to_string(PaymentMethod method) noexcept;

std::optional<PaymentStatus> parse_payment_status(std::string_view text) noexcept;
std::optional<PaymentMethod> parse_payment_method(std::string_view text) noexcept;

// The happy path first, then the dead ends.
inline constexpr PaymentStatus kAllStatuses[] = {
    PaymentStatus::RequiresAuthorization, PaymentStatus::Authorized, PaymentStatus::Captured,
    PaymentStatus::PartiallyRefunded,     PaymentStatus::Refunded,   PaymentStatus::Failed,
    PaymentStatus::Voided};

inline constexpr PaymentAction kAllActions[] = {PaymentAction::Authorize, PaymentAction::Fail,
                                                PaymentAction::Capture,   PaymentAction::Collect,
                                                PaymentAction::Void,      PaymentAction::RefundPart,
                                                PaymentAction::RefundRest};

inline constexpr ActorKind kAllActorKinds[] = {ActorKind::Provider, ActorKind::System, ActorKind::Admin};

}  // namespace nelo::payments
