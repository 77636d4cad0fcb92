#include "modules/notifications/notifications_settings.hpp"

#include <algorithm>

#include "core/env_reader.hpp"
#include "core/http_url.hpp"

namespace nelo::notifications {

NotificationsSettings notifications_settings_from_environment(const std::map<std::string, std::string>* env) {
  NotificationsSettings s;
  EnvReader r(env);
  r.choice("NELO_NOTIFICATIONS_PUSH_PROVIDER", s.push_provider, {"log", "webhook"});
  r.string("NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL", s.push_webhook_url);
  r.string("NELO_NOTIFICATIONS_PUSH_WEBHOOK_SECRET", s.push_webhook_secret);
  r.duration("NELO_NOTIFICATIONS_PUSH_TIMEOUT_MS", s.push_timeout, 100, 60'000);
  r.duration("NELO_NOTIFICATIONS_PUSH_POLL_MS", s.push_poll_interval, 10, 60'000);
  r.integer("NELO_NOTIFICATIONS_PUSH_BATCH_SIZE", s.push_batch_size, 1, 1000);
  r.integer("NELO_NOTIFICATIONS_PUSH_MAX_ATTEMPTS", s.push_max_attempts, 1, 50);
  r.duration("NELO_NOTIFICATIONS_PUSH_RETRY_BASE_MS", s.push_retry_base, 10, 3'600'000);
  r.duration("NELO_NOTIFICATIONS_PUSH_RETRY_CAP_MS", s.push_retry_cap, 10, 86'400'000);
  long long retention_days = s.retention.count() / 24;
  r.integer("NELO_NOTIFICATIONS_RETENTION_DAYS", retention_days, 1, 3650);
  s.retention = std::chrono::hours(retention_days * 24);
  if (s.push_provider == "webhook") {
    if (!parse_http_url(s.push_webhook_url)) {
      r.problem("NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL", "must be an http:// URL when NELO_NOTIFICATIONS_PUSH_PROVIDER=webhook");
    }
    if (s.push_webhook_secret.size() < 16) {
      r.problem("NELO_NOTIFICATIONS_PUSH_WEBHOOK_SECRET",
                "must hold at least 16 characters when NELO_NOTIFICATIONS_PUSH_PROVIDER=webhook");
    }
  }
  if (s.push_retry_cap < s.push_retry_base) {
    r.problem("NELO_NOTIFICATIONS_PUSH_RETRY_CAP_MS", "must not be below NELO_NOTIFICATIONS_PUSH_RETRY_BASE_MS");
  }
  s.push_lease = std::max(s.push_lease, s.push_timeout * 4);
  r.throw_if_problems("notifications");
  return s;
}

}  // namespace nelo::notifications
