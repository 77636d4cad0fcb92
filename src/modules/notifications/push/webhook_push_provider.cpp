#include "modules/notifications/push/webhook_push_provider.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <span>

#include "modules/notifications/push/push_policy.hpp"
#include "core/security/webhook_signature.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

}  // namespace

std::string webhook_push_body(const PushMessage& m) {
  json::object device{{"id", m.device_id}, {"platform", m.platform}, {"token", m.token.value_or("")}};
  json::object body{{"push_id", m.push_id},
                    {"notification_id", m.notification_id},
                    {"user_id", m.user_id},
                    {"device", std::move(device)},
                    {"category", m.category},
                    {"locale", m.locale},
                    {"title", m.title},
                    {"body", m.body},
                    {"data", m.data},
                    {"event", m.event_name},
                    {"created_at", to_rfc3339_millis(m.created_at)},
                    {"attempt", m.attempt}};
  return json::serialize(body);
}

WebhookPushProvider::WebhookPushProvider(WebhookPushOptions options, const Clock& clock, WebhookPost post)
    : options_(std::move(options)), clock_(clock), post_(std::move(post)) {}

asio::awaitable<PushOutcome> WebhookPushProvider::send(const PushMessage& message) {
  const std::string body = webhook_push_body(message);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {std::string(kPushSignatureHeader), security::sign_webhook(std::span(&options_.secret, 1), now, body)},
      {"Idempotency-Key", message.push_id}};
  PushOutcome outcome;
  try {
    WebhookReply reply = co_await post_(options_.url, std::move(headers), body, options_.timeout);
    outcome = classify_push_response(reply.status, reply.body);
  } catch (const std::invalid_argument& e) {
    // A URL the client cannot use: no attempt will ever work.
    outcome.kind = PushOutcome::Kind::Failed;
    outcome.error = std::string("webhook URL refused: ") + e.what();
  } catch (const std::exception& e) {
    outcome.kind = PushOutcome::Kind::Retry;
    outcome.error = std::string("no answer: ") + e.what();
  }
  co_return outcome;
}

}  // namespace nelo::notifications
