#pragma once
// The `webhook` push provider: POSTs each message as JSON to a configured URL (a push gateway of
// your own, or a relay to APNs/FCM), signed in `Nelo-Signature` with the payment webhooks' scheme (core/security/webhook_signature.hpp:
// Stripe's `t=...,v1=<HMAC-SHA256>`) and carrying
// `Idempotency-Key: <push id>` so that a receiver can drop the duplicates at-least-once delivery
// may bring. The answer is classified by push_policy.hpp.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "modules/notifications/push/push_provider.hpp"

namespace nelo::notifications {

inline constexpr std::string_view kPushSignatureHeader = "Nelo-Signature";

struct WebhookPushOptions {
  std::string url;     // http://host[:port]/path
  std::string secret;  // the HMAC key the receiver shares
  std::chrono::milliseconds timeout{5000};
};

// Sends one request and answers {status, body}; throws when no answer came (push/api/webhook_post's
// http_webhook_post, or a test's own).
struct WebhookReply {
  int status = 0;
  std::string body;
};
using WebhookPost = std::function<boost::asio::awaitable<WebhookReply>(
    std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
    std::chrono::milliseconds timeout)>;

// The JSON the receiver gets (documented in docs/api/notifications.md).
std::string webhook_push_body(const PushMessage& message);

class WebhookPushProvider final : public PushProvider {
 public:
  WebhookPushProvider(WebhookPushOptions options, const Clock& clock, WebhookPost post);

  std::string name() const override { return "webhook"; }
  boost::asio::awaitable<PushOutcome> send(const PushMessage& message) override;

 private:
  WebhookPushOptions options_;
  const Clock& clock_;
  WebhookPost post_;
};

}  // namespace nelo::notifications
