#include "modules/notifications/services/inbox_service.hpp"

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/notifications/repositories/notification_repository.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

asio::awaitable<NotificationPage> InboxService::list(std::string user_id, bool unread_only,
                                                     std::optional<NotificationKey> after, std::size_t limit) {
  NotificationPage page;
  if (!is_uuid(user_id)) co_return page;
  // One more than asked tells whether another page follows.
  page.items = co_await notifications_.list(user_id, unread_only, after, limit + 1);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next = NotificationKey{page.items.back().created_at, page.items.back().id};
  }
  page.unread_count = co_await notifications_.unread_count(user_id);
  co_return page;
}

asio::awaitable<std::int64_t> InboxService::unread_count(std::string user_id) {
  if (!is_uuid(user_id)) co_return 0;
  co_return co_await notifications_.unread_count(user_id);
}

asio::awaitable<Notification> InboxService::mark_read(std::string user_id, std::string notification_id) {
  std::optional<Notification> n;
  if (is_uuid(user_id) && is_uuid(notification_id)) n = co_await notifications_.mark_read(user_id, notification_id);
  if (!n) throw NotFound("No such notification among yours");
  co_return std::move(*n);
}

asio::awaitable<std::int64_t> InboxService::mark_all_read(std::string user_id) {
  if (!is_uuid(user_id)) co_return 0;
  co_return co_await notifications_.mark_all_read(user_id);
}

}  // namespace nelo::notifications
