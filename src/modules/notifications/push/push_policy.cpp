#include "modules/notifications/push/push_policy.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <string>

namespace nelo::notifications {
namespace {

bool says_invalid_token(std::string_view body) {
  if (body.empty() || body.size() > 64 * 1024) return false;
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return false;
  const auto* error = parsed.get_object().if_contains("error");
  if (!error || !error->is_string()) return false;
  const std::string_view e = error->get_string();
  return e == "invalid_token" || e == "unregistered" || e == "not_registered";
}

}  // namespace

PushOutcome classify_push_response(int status, std::string_view body) {
  PushOutcome outcome;
  outcome.http_status = status;
  if (status == 410 || says_invalid_token(body)) {
    outcome.kind = PushOutcome::Kind::InvalidToken;
    outcome.error = "the receiver reported the device token invalid (HTTP " + std::to_string(status) + ")";
  } else if (status >= 200 && status < 300) {
    outcome.kind = PushOutcome::Kind::Delivered;
  } else if (status == 408 || status == 429 || status >= 500) {
    outcome.kind = PushOutcome::Kind::Retry;
    outcome.error = "HTTP " + std::to_string(status);
  } else {
    outcome.kind = PushOutcome::Kind::Failed;
    outcome.error = "refused with HTTP " + std::to_string(status);
  }
  return outcome;
}

std::chrono::milliseconds push_backoff(int attempts, std::chrono::milliseconds base, std::chrono::milliseconds cap) {
  auto delay = base;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace nelo::notifications
