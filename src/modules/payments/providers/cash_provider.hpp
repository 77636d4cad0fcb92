#pragma once
// Cash, collected by the driver on delivery: a provider with no card and no network. Nothing is
// held in advance (authorize() answers authorized at once, for the saga's one path), the capture
// is the driver's collection, a void releases nothing, and a refund is paid back outside the
// platform (by the support team) and recorded here. It sends no webhooks: any that claims to be
// from it is refused.

#include "modules/payments/providers/payment_provider.hpp"

namespace nelo::payments {

class CashProvider final : public PaymentProvider {
 public:
  std::string_view name() const noexcept override { return "cash"; }
  std::string_view signature_header() const noexcept override { return ""; }

  boost::asio::awaitable<AuthorizationOutcome> authorize(AuthorizationRequest request) override;
  boost::asio::awaitable<OperationOutcome> capture(std::string reference, Money amount) override;
  boost::asio::awaitable<OperationOutcome> void_authorization(std::string reference) override;
  boost::asio::awaitable<OperationOutcome> refund(std::string reference, std::string refund_id, Money amount) override;
  WebhookVerdict parse_webhook(std::string_view signature_header, std::string_view body,
                               Timestamp now) const override;
};

}  // namespace nelo::payments
