#pragma once
// Request readers, response bodies and OpenAPI schemas of /api/v1/notifications. Unknown fields
// are refused, never ignored.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::notifications {

inline constexpr std::size_t kDefaultPageSize = 20;
inline constexpr std::size_t kMaxPageSize = 100;
inline constexpr std::size_t kMaxTokenLength = 4096;

struct InboxQuery {
  bool unread_only = false;
  std::size_t limit = kDefaultPageSize;
  std::optional<NotificationKey> after;
};
// ?unread=true|false&limit=&cursor=
InboxQuery parse_inbox_query(std::optional<std::string_view> unread, std::optional<std::string_view> limit,
                             std::optional<std::string_view> cursor);

struct PushFailureQuery {
  std::size_t limit = kDefaultPageSize;
  std::optional<PushFailureKey> after;
};
PushFailureQuery parse_push_failure_query(std::optional<std::string_view> limit, std::optional<std::string_view> cursor);

// PUT /preferences: {"categories": {"<category>": {"in_app"?, "push"?, "realtime"?}, ...}}; at
// least one category, each with at least one channel; a transactional category's in_app cannot be
// false (422 naming the rule).
PreferencesPatch parse_preferences_patch(const boost::json::object& body);

// POST /devices: {"platform": "ios"|"android"|"web", "token": "..."}.
NewDevice parse_new_device(const boost::json::object& body);

boost::json::object to_json(const Notification& n);
boost::json::object to_json(const NotificationPage& page);
boost::json::object preferences_to_json(const std::vector<CategoryPreference>& preferences);
// The token is shown to its owner only, and only its end: a device list is not a token store.
boost::json::object to_json(const Device& device);
boost::json::object devices_to_json(const std::vector<Device>& devices);
boost::json::object to_json(const PushFailurePage& page);

boost::json::value notification_schema();
boost::json::value notification_page_schema();
boost::json::value unread_count_schema();
boost::json::value read_all_schema();
boost::json::value preferences_schema();
boost::json::value preferences_patch_schema();
boost::json::value device_schema();
boost::json::value device_list_schema();
boost::json::value new_device_schema();
boost::json::value push_failure_page_schema();

}  // namespace nelo::notifications
