#pragma once
// Every SQL statement on notifications.notifications (the inbox).

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::notifications {

class NotificationRepository {
 public:
  explicit NotificationRepository(db::ModuleDb& db) : db_(db) {}

  // Writes it unless this recipient already has one for this event (then nullopt: a redelivery).
  boost::asio::awaitable<std::optional<Notification>> insert(db::Transaction& tx, const NewNotification& n);

  // The user's in-app notifications newest first, after `after`, at most `limit`. Ids must be UUIDs.
  boost::asio::awaitable<std::vector<Notification>> list(std::string user_id, bool unread_only,
                                                         std::optional<NotificationKey> after, std::size_t limit);
  boost::asio::awaitable<std::int64_t> unread_count(std::string user_id);

  // Marks it read (keeping the first read time); nullopt when it is not the user's in-app one.
  boost::asio::awaitable<std::optional<Notification>> mark_read(std::string user_id, std::string id);
  // Marks every unread one read; how many were.
  boost::asio::awaitable<std::int64_t> mark_all_read(std::string user_id);

  // Deletes up to `batch` notifications created before `before` (with their pushes); how many.
  boost::asio::awaitable<std::int64_t> purge_older_than(Timestamp before, std::int64_t batch);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::notifications
