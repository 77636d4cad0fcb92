#include "modules/notifications/repositories/order_progress_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;

// No row back: the stored version is not older (the conflict's WHERE refused the update).
constexpr std::string_view kAdvance =
    "INSERT INTO notifications.order_progress AS p (order_id, version) VALUES ($1, $2)"
    " ON CONFLICT (order_id) DO UPDATE SET version = EXCLUDED.version, updated_at = now()"
    " WHERE p.version < EXCLUDED.version"
    " RETURNING p.version";

constexpr std::string_view kPurge =
    "DELETE FROM notifications.order_progress WHERE order_id IN ("
    " SELECT order_id FROM notifications.order_progress WHERE updated_at < $1 ORDER BY updated_at LIMIT $2)";

}  // namespace

asio::awaitable<bool> OrderProgressRepository::advance(db::Transaction& tx, std::string order_id, std::int64_t version) {
  auto result = co_await tx.execute(kAdvance, db::params(order_id, version));
  co_return !result.empty();
}

asio::awaitable<std::int64_t> OrderProgressRepository::purge_older_than(Timestamp before, std::int64_t batch) {
  auto result = co_await db_.execute(kPurge, db::params(before, batch));
  co_return result.affected_rows();
}

}  // namespace nelo::notifications
