#pragma once
// The opaque cursors of the notification lists.

#include "core/http/time_id_cursor.hpp"
#include "modules/notifications/models.hpp"

namespace nelo::notifications {

inline constexpr http::TimeIdCursor<NotificationKey> kNotificationCursor{"n1"};
inline constexpr http::TimeIdCursor<PushFailureKey> kPushFailureCursor{"pf1"};

}  // namespace nelo::notifications
