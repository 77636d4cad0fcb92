#include "modules/notifications/repositories/preference_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kList =
    "SELECT category, in_app, push, realtime FROM notifications.preferences WHERE user_id = $1 ORDER BY category";

constexpr std::string_view kListForUpdate =
    "SELECT category, in_app, push, realtime FROM notifications.preferences WHERE user_id = $1 ORDER BY category"
    " FOR UPDATE";

constexpr std::string_view kFind =
    "SELECT category, in_app, push, realtime FROM notifications.preferences WHERE user_id = $1 AND category = $2";

constexpr std::string_view kUpsert =
    "INSERT INTO notifications.preferences (user_id, category, in_app, push, realtime) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (user_id, category) DO UPDATE"
    " SET in_app = EXCLUDED.in_app, push = EXCLUDED.push, realtime = EXCLUDED.realtime, updated_at = now()";

CategoryPreference read_preference(const db::Row& row) {
  CategoryPreference p;
  p.category = row.get<std::string>("category");
  p.channels.in_app = row.get<bool>("in_app");
  p.channels.push = row.get<bool>("push");
  p.channels.realtime = row.get<bool>("realtime");
  return p;
}

std::vector<CategoryPreference> read_all(const db::Result& result) {
  std::vector<CategoryPreference> out;
  for (auto row : result) out.push_back(read_preference(row));
  return out;
}

}  // namespace

asio::awaitable<std::vector<CategoryPreference>> PreferenceRepository::list(std::string user_id) {
  auto result = co_await db_.execute_pipelined(kList, db::params(user_id));
  co_return read_all(result);
}

asio::awaitable<std::vector<CategoryPreference>> PreferenceRepository::list_for_update(db::Transaction& tx,
                                                                                       std::string user_id) {
  auto result = co_await tx.execute(kListForUpdate, db::params(user_id));
  co_return read_all(result);
}

asio::awaitable<std::optional<Channels>> PreferenceRepository::find(db::Transaction& tx, std::string user_id,
                                                                   std::string category) {
  auto result = co_await tx.execute(kFind, db::params(user_id, category));
  if (result.empty()) co_return std::nullopt;
  co_return read_preference(result.front()).channels;
}

asio::awaitable<void> PreferenceRepository::upsert(db::Transaction& tx, std::string user_id,
                                                   const CategoryPreference& p) {
  co_await tx.execute(kUpsert,
                      db::params(user_id, p.category, p.channels.in_app, p.channels.push, p.channels.realtime));
}

}  // namespace nelo::notifications
