#pragma once
// The sandbox processor as a PaymentProvider: calls go straight to the SandboxProcessor in this
// process, and its webhooks (sent by the WebhookSender over HTTP, like any processor's) are
// checked with the accepted secrets and read here.

#include <chrono>
#include <string>
#include <vector>

#include "modules/payments/providers/payment_provider.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {

class SandboxProvider final : public PaymentProvider {
 public:
  // `secrets`: every secret a webhook may be signed with; `tolerance`: how far its timestamp may be
  // from now.
  SandboxProvider(SandboxProcessor& processor, std::vector<std::string> secrets, std::chrono::seconds tolerance);

  std::string_view name() const noexcept override { return "sandbox"; }
  std::string_view signature_header() const noexcept override { return "Sandbox-Signature"; }

  boost::asio::awaitable<AuthorizationOutcome> authorize(AuthorizationRequest request) override;
  boost::asio::awaitable<OperationOutcome> capture(std::string reference, Money amount) override;
  boost::asio::awaitable<OperationOutcome> void_authorization(std::string reference) override;
  boost::asio::awaitable<OperationOutcome> refund(std::string reference, std::string refund_id, Money amount) override;
  WebhookVerdict parse_webhook(std::string_view signature_header, std::string_view body,
                               Timestamp now) const override;

 private:
  SandboxProcessor& processor_;
  std::vector<std::string> secrets_;
  std::chrono::seconds tolerance_;
};

}  // namespace nelo::payments
