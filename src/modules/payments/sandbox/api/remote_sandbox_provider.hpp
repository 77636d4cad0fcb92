#pragma once
// The sandbox processor as a PaymentProvider when it runs as its own process (`nelo
// sandbox-processor`, NELO_PAYMENTS_SANDBOX_URL): every call is an HTTP request to its API
// (sandbox_wire.hpp) with its API key, like a real processor's. Webhooks are checked exactly as
// for the in-process one. A call that gets no answer in time, or one that cannot be read, throws
// ProviderUnavailable: nothing is known to have happened, and authorize() and refund() may be
// retried (idempotent by their ids at the processor).

#include <chrono>
#include <string>
#include <vector>

#include "modules/payments/providers/payment_provider.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {

class RemoteSandboxProvider final : public PaymentProvider {
 public:
  // base_url: "http://127.0.0.1:9100" (no trailing slash needed); api_key: sent as a Bearer token
  // (may be empty when the processor asks for none).
  RemoteSandboxProvider(std::string base_url, std::string api_key, std::vector<std::string> secrets,
                        std::chrono::seconds tolerance, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::string_view name() const noexcept override { return "sandbox"; }
  std::string_view signature_header() const noexcept override { return "Sandbox-Signature"; }

  boost::asio::awaitable<AuthorizationOutcome> authorize(AuthorizationRequest request) override;
  boost::asio::awaitable<OperationOutcome> capture(std::string reference, Money amount) override;
  boost::asio::awaitable<OperationOutcome> void_authorization(std::string reference) override;
  boost::asio::awaitable<OperationOutcome> refund(std::string reference, std::string refund_id, Money amount) override;
  WebhookVerdict parse_webhook(std::string_view signature_header, std::string_view body,
                               Timestamp now) const override;

 private:
  boost::asio::awaitable<std::string> call(std::string method, std::string path, std::string body) const;

  std::string base_url_;
  std::string api_key_;
  std::vector<std::string> secrets_;
  std::chrono::seconds tolerance_;
  std::chrono::milliseconds timeout_;
};

// Every charge the processor at `base_url` holds (GET /v1/charges), for reconciliation. Throws
// ProviderUnavailable when it cannot be read.
boost::asio::awaitable<std::vector<SandboxCharge>> fetch_sandbox_charges(std::string base_url, std::string api_key);

}  // namespace nelo::payments
