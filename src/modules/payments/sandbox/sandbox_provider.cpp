#include "modules/payments/sandbox/sandbox_provider.hpp"

#include "core/security/tokens.hpp"
#include "modules/payments/sandbox/sandbox_event.hpp"

namespace nelo::payments {
SandboxProvider::SandboxProvider(SandboxProcessor& processor, std::vector<std::string> secrets,
                                 std::chrono::seconds tolerance)
    : processor_(processor), secrets_(std::move(secrets)), tolerance_(tolerance) {}

boost::asio::awaitable<AuthorizationOutcome> SandboxProvider::authorize(AuthorizationRequest request) {
  AuthorizationOutcome out = processor_.authorize(request);
  // The token's last copy in nelo: gone before anything else can see it.
  security::wipe(request.card_token);
  co_return out;
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::capture(std::string reference, Money amount) {
  co_return processor_.capture(reference, amount);
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::void_authorization(std::string reference) {
  co_return processor_.void_authorization(reference);
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::refund(std::string reference, std::string refund_id,
                                                                 Money amount) {
  co_return processor_.refund(reference, refund_id, amount);
}

WebhookVerdict SandboxProvider::parse_webhook(std::string_view signature_header, std::string_view body,
                                              Timestamp now) const {
  const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  WebhookVerdict verdict;
  verdict.check = check_webhook_signature(signature_header, body, secrets_, unix_now, tolerance_);
  if (verdict.check != SignatureCheck::Valid) return verdict;
  verdict.event = read_sandbox_event(body);
  if (!verdict.event) verdict.check = SignatureCheck::Malformed;
  return verdict;
}

}  // namespace nelo::payments
