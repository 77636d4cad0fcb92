#include "modules/notifications/repositories/notification_repository.hpp"

#include <array>

#include "core/db/module_db.hpp"
#include "core/db/newest_first_page.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

#define NELO_NOTIFICATION_COLUMNS                                                                          \
  "n.id, n.event_id, n.event_name, n.recipient_id, n.audience, n.category, n.locale, n.title, n.body, n.data," \
  " n.in_app, n.read_at, n.created_at"

constexpr std::string_view kInsert =
    "INSERT INTO notifications.notifications AS n"
    " (id, event_id, event_name, recipient_id, audience, category, locale, title, body, data, in_app)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)"
    " ON CONFLICT ON CONSTRAINT notifications_once_per_event DO NOTHING"
    " RETURNING " NELO_NOTIFICATION_COLUMNS;

constexpr std::string_view kListSelect = "SELECT " NELO_NOTIFICATION_COLUMNS " FROM notifications.notifications n";

constexpr std::string_view kUnreadCount =
    "SELECT count(*) AS unread FROM notifications.notifications"
    " WHERE recipient_id = $1 AND in_app AND read_at IS NULL";

constexpr std::string_view kMarkRead =
    "UPDATE notifications.notifications n SET read_at = COALESCE(n.read_at, now())"
    " WHERE n.id = $1 AND n.recipient_id = $2 AND n.in_app"
    " RETURNING " NELO_NOTIFICATION_COLUMNS;

constexpr std::string_view kMarkAllRead =
    "UPDATE notifications.notifications SET read_at = now()"
    " WHERE recipient_id = $1 AND in_app AND read_at IS NULL";

constexpr std::string_view kPurge =
    "DELETE FROM notifications.notifications WHERE id IN ("
    " SELECT id FROM notifications.notifications WHERE created_at < $1 ORDER BY created_at LIMIT $2)";

#undef NELO_NOTIFICATION_COLUMNS

// Parameters: user id, [cursor time, cursor id], limit. Both shapes are served by the partial
// indexes notifications_inbox and notifications_unread.
const std::string& list_statement(bool unread_only, bool after) {
  static const std::array<std::string, 4> kStatements = [] {
    std::array<std::string, 4> out;
    for (int unread = 0; unread < 2; ++unread) {
      for (int cursor = 0; cursor < 2; ++cursor) {
        std::vector<std::string> conditions{"n.recipient_id = $1", "n.in_app"};
        if (unread) conditions.emplace_back("n.read_at IS NULL");
        out[unread * 2 + cursor] = db::newest_first_page_sql(kListSelect, "n", std::move(conditions), 1, cursor == 1);
      }
    }
    return out;
  }();
  return kStatements[(unread_only ? 2 : 0) + (after ? 1 : 0)];
}

Notification read_notification(const db::Row& row) {
  Notification n;
  n.id = row.get<std::string>("id");
  n.event_id = row.get<std::string>("event_id");
  n.event_name = row.get<std::string>("event_name");
  n.recipient_id = row.get<std::string>("recipient_id");
  n.audience = row.get<std::string>("audience");
  n.category = row.get<std::string>("category");
  n.locale = row.get<std::string>("locale");
  n.title = row.get<std::string>("title");
  n.body = row.get<std::string>("body");
  auto data = row.get<boost::json::value>("data");
  if (data.is_object()) n.data = std::move(data.get_object());
  n.in_app = row.get<bool>("in_app");
  n.read_at = row.get<std::optional<Timestamp>>("read_at");
  n.created_at = row.get<Timestamp>("created_at");
  return n;
}

}  // namespace

asio::awaitable<std::optional<Notification>> NotificationRepository::insert(db::Transaction& tx,
                                                                            const NewNotification& n) {
  db::Params values = db::params(n.id, n.event_id, n.event_name, n.recipient_id, n.audience, n.category, n.locale,
                                 n.title, n.body, n.data, n.in_app);
  auto result = co_await tx.execute(kInsert, values);
  if (result.empty()) co_return std::nullopt;
  co_return read_notification(result.front());
}

asio::awaitable<std::vector<Notification>> NotificationRepository::list(std::string user_id, bool unread_only,
                                                                        std::optional<NotificationKey> after,
                                                                        std::size_t limit) {
  db::Params values = after ? db::params(user_id, after->created_at, after->id, limit) : db::params(user_id, limit);
  auto result = co_await db_.execute(list_statement(unread_only, after.has_value()), values);
  std::vector<Notification> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) items.push_back(read_notification(row));
  co_return items;
}

asio::awaitable<std::int64_t> NotificationRepository::unread_count(std::string user_id) {
  auto result = co_await db_.execute_pipelined(kUnreadCount, db::params(user_id));
  co_return result.front().get<std::int64_t>("unread");
}

asio::awaitable<std::optional<Notification>> NotificationRepository::mark_read(std::string user_id, std::string id) {
  auto result = co_await db_.execute(kMarkRead, db::params(id, user_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_notification(result.front());
}

asio::awaitable<std::int64_t> NotificationRepository::mark_all_read(std::string user_id) {
  auto result = co_await db_.execute(kMarkAllRead, db::params(user_id));
  co_return result.affected_rows();
}

asio::awaitable<std::int64_t> NotificationRepository::purge_older_than(Timestamp before, std::int64_t batch) {
  auto result = co_await db_.execute(kPurge, db::params(before, batch));
  co_return result.affected_rows();
}

}  // namespace nelo::notifications
