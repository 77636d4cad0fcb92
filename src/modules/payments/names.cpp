#include "modules/payments/names.hpp"

namespace nelo::payments {

std::string_view to_string(PaymentStatus status) noexcept {
  switch (status) {
    case PaymentStatus::RequiresAuthorization: return "requires_authorization";
    case PaymentStatus::Authorized: return "authorized";
    case PaymentStatus::Captured: return "captured";
    case PaymentStatus::PartiallyRefunded: return "partially_refunded";
    case PaymentStatus::Refunded: return "refunded";
    case PaymentStatus::Failed: return "failed";
    case PaymentStatus::Voided: return "voided";
  }
  return "unknown";
}

std::string_view to_string(PaymentAction action) noexcept {
  switch (action) {
    case PaymentAction::Authorize: return "authorize";
    case PaymentAction::Fail: return "fail";
    case PaymentAction::Capture: return "capture";
    case PaymentAction::Collect: return "collect";
    case PaymentAction::Void: return "void";
    case PaymentAction::RefundPart: return "refund_part";
    case PaymentAction::RefundRest: return "refund_rest";
  }
  return "unknown";
}

std::string_view to_string(ActorKind actor) noexcept {
  switch (actor) {
    case ActorKind::Provider: return "provider";
    case ActorKind::System: return "system";
    case ActorKind::Admin: return "admin";
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

std::optional<PaymentStatus> parse_payment_status(std::string_view text) noexcept {
  for (PaymentStatus s : kAllStatuses) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::optional<PaymentMethod> parse_payment_method(std::string_view text) noexcept {
  for (PaymentMethod m : {PaymentMethod::Card, PaymentMethod::Cash}) {
    if (to_string(m) == text) return m;
  }
  return std::nullopt;
}

}  // namespace nelo::payments
