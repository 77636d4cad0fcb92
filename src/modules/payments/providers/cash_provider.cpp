#include "modules/payments/providers/cash_provider.hpp"

namespace nelo::payments {

boost::asio::awaitable<AuthorizationOutcome> CashProvider::authorize(AuthorizationRequest request) {
  AuthorizationOutcome out;
  out.kind = AuthorizationOutcome::Kind::Authorized;
  out.reference = "cash_" + request.payment_id;
  co_return out;
}

boost::asio::awaitable<OperationOutcome> CashProvider::capture(std::string reference, Money) {
  OperationOutcome out{true, std::move(reference), std::nullopt};
  co_return out;
}

boost::asio::awaitable<OperationOutcome> CashProvider::void_authorization(std::string reference) {
  OperationOutcome out{true, std::move(reference), std::nullopt};
  co_return out;
}

boost::asio::awaitable<OperationOutcome> CashProvider::refund(std::string, std::string refund_id, Money) {
  OperationOutcome out{true, "cash_refund_" + refund_id, std::nullopt};
  co_return out;
}

WebhookVerdict CashProvider::parse_webhook(std::string_view, std::string_view, Timestamp) const {
  return WebhookVerdict{SignatureCheck::Mismatch, std::nullopt};
}

}  // namespace nelo::payments
