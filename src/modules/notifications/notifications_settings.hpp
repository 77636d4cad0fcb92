#pragma once
// The NELO_NOTIFICATIONS_* settings (docs/operations.md, "Notifications").

#include <chrono>
#include <map>
#include <string>

namespace nelo::notifications {

struct NotificationsSettings {
  std::string push_provider = "log";  // log | webhook
  std::string push_webhook_url;       // required for webhook
  std::string push_webhook_secret;    // required for webhook, at least 16 characters
  std::chrono::milliseconds push_timeout{5000};
  std::chrono::milliseconds push_poll_interval{500};
  int push_batch_size = 50;
  int push_max_attempts = 6;
  std::chrono::milliseconds push_retry_base{2000};
  std::chrono::milliseconds push_retry_cap{300'000};
  // Notifications (and their pushes) older than this are deleted, read or not.
  std::chrono::hours retention{24 * 90};
  // A claimed push is hidden from other senders this long: longer than a request's timeout.
  std::chrono::milliseconds push_lease{60'000};
};

// Throws std::invalid_argument listing every bad variable. `env`: a map instead of the process
// environment (tests).
NotificationsSettings notifications_settings_from_environment(const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::notifications
