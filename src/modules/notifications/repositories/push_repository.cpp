#include "modules/notifications/repositories/push_repository.hpp"

#include <array>

#include "core/db/module_db.hpp"
#include "core/db/newest_first_page.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kEnqueue =
    "INSERT INTO notifications.pushes (id, notification_id, device_id, user_id, platform)"
    " SELECT gen_random_uuid(), $1, d.id, d.user_id, d.platform FROM notifications.devices d WHERE d.user_id = $2"
    " ON CONFLICT ON CONSTRAINT pushes_once_per_device DO NOTHING";

// The token is read at claim time: a device removed meanwhile has none (the push is dropped).
constexpr std::string_view kClaim =
    "WITH due AS ("
    "  SELECT p.id FROM notifications.pushes p"
    "  WHERE p.status = 'pending' AND p.next_attempt_at <= now()"
    "  ORDER BY p.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
    " UPDATE notifications.pushes p"
    " SET attempts = p.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)"
    " FROM due WHERE p.id = due.id"
    " RETURNING p.id, p.notification_id, p.user_id, p.device_id, p.platform, p.attempts,"
    "  (SELECT d.token FROM notifications.devices d WHERE d.id = p.device_id AND d.user_id = p.user_id) AS token,"
    "  (SELECT jsonb_build_object('category', n.category, 'locale', n.locale, 'title', n.title, 'body', n.body,"
    "     'data', n.data, 'event_name', n.event_name, 'created_at', n.created_at)"
    "   FROM notifications.notifications n WHERE n.id = p.notification_id) AS message,"
    "  (SELECT n.created_at FROM notifications.notifications n WHERE n.id = p.notification_id) AS created_at";

constexpr std::string_view kRecord =
    "WITH attempt AS ("
    "  INSERT INTO notifications.push_attempts (push_id, attempt, outcome, http_status, error)"
    "  VALUES ($1, $2, $4, $5, $6) ON CONFLICT (push_id, attempt) DO NOTHING)"
    " UPDATE notifications.pushes"
    " SET status = $3, last_http_status = $5, last_error = $6,"
    "     next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $7::float8 / 1000)"
    "                            ELSE next_attempt_at END,"
    "     finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END"
    " WHERE id = $1 AND status = 'pending'";

constexpr std::string_view kFailureSelect =
    "SELECT p.id, p.notification_id, p.user_id, p.device_id, p.platform, p.attempts, p.last_error,"
    " p.last_http_status, p.created_at, p.finished_at,"
    " (SELECT COALESCE(jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'outcome', a.outcome,"
    "    'http_status', a.http_status, 'error', a.error) ORDER BY a.attempt), '[]'::jsonb)"
    "  FROM notifications.push_attempts a WHERE a.push_id = p.id) AS attempt_log"
    " FROM notifications.pushes p";

constexpr std::string_view kStatuses =
    "SELECT device_id, status FROM notifications.pushes WHERE notification_id = $1 ORDER BY created_at, id";

const std::string& failures_statement(bool after) {
  static const std::array<std::string, 2> kStatements = {
      db::newest_first_page_sql(kFailureSelect, "p", {"p.status = 'failed'"}, 0, false),
      db::newest_first_page_sql(kFailureSelect, "p", {"p.status = 'failed'"}, 0, true)};
  return kStatements[after ? 1 : 0];
}

std::string json_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

asio::awaitable<std::int64_t> PushRepository::enqueue(db::Transaction& tx, std::string notification_id,
                                                      std::string user_id) {
  auto result = co_await tx.execute(kEnqueue, db::params(notification_id, user_id));
  co_return result.affected_rows();
}

asio::awaitable<std::vector<PushMessage>> PushRepository::claim(std::size_t limit, std::chrono::milliseconds lease) {
  auto result = co_await db_.execute(kClaim, db::params(limit, static_cast<std::int64_t>(lease.count())));
  std::vector<PushMessage> out;
  for (auto row : result) {
    PushMessage m;
    m.push_id = row.get<std::string>("id");
    m.notification_id = row.get<std::string>("notification_id");
    m.user_id = row.get<std::string>("user_id");
    m.device_id = row.get<std::string>("device_id");
    m.platform = row.get<std::string>("platform");
    m.attempt = row.get<std::int32_t>("attempts");
    m.token = row.get<std::optional<std::string>>("token");
    auto message = row.get<boost::json::value>("message");
    if (message.is_object()) {
      const auto& o = message.get_object();
      m.category = json_text(o, "category");
      m.locale = json_text(o, "locale");
      m.title = json_text(o, "title");
      m.body = json_text(o, "body");
      m.event_name = json_text(o, "event_name");
      if (const auto* data = o.if_contains("data"); data && data->is_object()) m.data = data->get_object();
    }
    m.created_at = row.get<Timestamp>("created_at");
    out.push_back(std::move(m));
  }
  co_return out;
}

asio::awaitable<void> PushRepository::record(db::Transaction& tx, const PushMessage& push, const Result& r) {
  co_await tx.execute(kRecord, db::params(push.push_id, push.attempt, r.status, r.outcome, r.http_status, r.error,
                                          static_cast<std::int64_t>(r.retry_in.count())));
}

asio::awaitable<std::vector<PushFailure>> PushRepository::failures(std::optional<PushFailureKey> after,
                                                                  std::size_t limit) {
  db::Params values = after ? db::params(after->created_at, after->id, limit) : db::params(limit);
  auto result = co_await db_.execute(failures_statement(after.has_value()), values);
  std::vector<PushFailure> out;
  for (auto row : result) {
    PushFailure f;
    f.id = row.get<std::string>("id");
    f.notification_id = row.get<std::string>("notification_id");
    f.user_id = row.get<std::string>("user_id");
    f.device_id = row.get<std::string>("device_id");
    f.platform = row.get<std::string>("platform");
    f.attempts = row.get<std::int32_t>("attempts");
    f.last_error = row.get<std::optional<std::string>>("last_error");
    auto status = row.get<std::optional<std::int32_t>>("last_http_status");
    if (status) f.last_http_status = *status;
    f.created_at = row.get<Timestamp>("created_at");
    f.finished_at = row.get<std::optional<Timestamp>>("finished_at");
    auto log = row.get<boost::json::value>("attempt_log");
    if (log.is_array()) {
      for (const auto& entry : log.get_array()) {
        if (!entry.is_object()) continue;
        const auto& o = entry.get_object();
        PushAttempt a;
        if (const auto* n = o.if_contains("attempt"); n && n->is_int64()) a.attempt = static_cast<int>(n->get_int64());
        if (auto at = parse_timestamp(json_text(o, "at"))) a.at = *at;
        a.outcome = json_text(o, "outcome");
        if (const auto* s = o.if_contains("http_status"); s && s->is_int64()) a.http_status = s->get_int64();
        if (const auto* e = o.if_contains("error"); e && e->is_string()) a.error = std::string(e->get_string());
        f.attempt_log.push_back(std::move(a));
      }
    }
    out.push_back(std::move(f));
  }
  co_return out;
}

asio::awaitable<std::vector<std::pair<std::string, std::string>>> PushRepository::statuses(std::string notification_id) {
  auto result = co_await db_.execute(kStatuses, db::params(notification_id));
  std::vector<std::pair<std::string, std::string>> out;
  for (auto row : result) out.emplace_back(row.get<std::string>("device_id"), row.get<std::string>("status"));
  co_return out;
}

}  // namespace nelo::notifications
