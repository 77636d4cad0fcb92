#pragma once
// Domain types of the notifications module: what the inbox, the preferences, the devices and the
// push outbox hold. No HTTP, no SQL.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace nelo::notifications {

// A notification as its recipient reads it.
struct Notification {
  std::string id;
  std::string event_id;    // the event it was made from (one notification per event and recipient)
  std::string event_name;  // "order.placed"
  std::string recipient_id;
  std::string audience;  // customer | merchant | driver | admin: why the recipient got it
  std::string category;  // order_status | payments | deliveries | operations
  std::string locale;    // fr | en
  std::string title;
  std::string body;
  boost::json::object data;  // order_id, delivery_id, payment_id... (what a client opens)
  bool in_app = true;
  std::optional<Timestamp> read_at;
  Timestamp created_at{};
};

// Where a page of the inbox stopped (newest first on (created_at, id)).
struct NotificationKey {
  Timestamp created_at{};
  std::string id;
};

struct NotificationPage {
  std::vector<Notification> items;
  std::optional<NotificationKey> next;
  std::int64_t unread_count = 0;
};

// A notification about to be written (what a handler rendered for one recipient).
struct NewNotification {
  std::string id;
  std::string event_id;
  std::string event_name;
  std::string recipient_id;
  std::string audience;
  std::string category;
  std::string locale;
  std::string title;
  std::string body;
  boost::json::object data;
  bool in_app = true;
};

// The three channels a notification may take.
struct Channels {
  bool in_app = true;
  bool push = true;
  bool realtime = true;
  bool operator==(const Channels&) const = default;
};

struct CategoryPreference {
  std::string category;
  Channels channels;
};

// PUT /preferences: the channels named for each category named; the others are kept.
struct ChannelsPatch {
  std::optional<bool> in_app;
  std::optional<bool> push;
  std::optional<bool> realtime;
};
struct PreferencesPatch {
  std::vector<std::pair<std::string, ChannelsPatch>> categories;
};

struct Device {
  std::string id;
  std::string user_id;
  std::string platform;  // ios | android | web
  std::string token;
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct NewDevice {
  std::string platform;
  std::string token;
};

// A push claimed by the sender: what the provider needs to deliver it.
struct PushMessage {
  std::string push_id;
  std::string notification_id;
  std::string user_id;
  std::string device_id;
  std::string platform;
  std::optional<std::string> token;  // null when the device was removed meanwhile
  std::string category;
  std::string locale;
  std::string title;
  std::string body;
  boost::json::object data;
  std::string event_name;
  Timestamp created_at{};
  int attempt = 1;  // this attempt's number, from 1
};

struct PushAttempt {
  int attempt = 0;
  Timestamp at{};
  std::string outcome;  // delivered | retry | failed | invalid_token | dropped
  std::optional<std::int64_t> http_status;
  std::optional<std::string> error;
};

// A push that ran out of attempts (or was refused for good), as admins see it.
struct PushFailure {
  std::string id;
  std::string notification_id;
  std::string user_id;
  std::string device_id;
  std::string platform;
  int attempts = 0;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> last_http_status;
  Timestamp created_at{};
  std::optional<Timestamp> finished_at;
  std::vector<PushAttempt> attempt_log;
};

struct PushFailureKey {
  Timestamp created_at{};
  std::string id;
};

struct PushFailurePage {
  std::vector<PushFailure> items;
  std::optional<PushFailureKey> next;
};

}  // namespace nelo::notifications
