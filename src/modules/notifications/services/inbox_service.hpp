#pragma once
// The in-app inbox of the caller: list (newest first, optionally unread only), the unread count,
// marking one or all read. Another user's notification is a 404, like one that does not exist.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "modules/notifications/models.hpp"

namespace nelo::notifications {

class NotificationRepository;

class InboxService {
 public:
  explicit InboxService(NotificationRepository& notifications) : notifications_(notifications) {}

  boost::asio::awaitable<NotificationPage> list(std::string user_id, bool unread_only,
                                                std::optional<NotificationKey> after, std::size_t limit);
  boost::asio::awaitable<std::int64_t> unread_count(std::string user_id);
  // Throws NotFound unless it is the user's.
  boost::asio::awaitable<Notification> mark_read(std::string user_id, std::string notification_id);
  // How many were unread.
  boost::asio::awaitable<std::int64_t> mark_all_read(std::string user_id);

 private:
  NotificationRepository& notifications_;
};

}  // namespace nelo::notifications
