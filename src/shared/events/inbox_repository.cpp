#include "shared/events/inbox_repository.hpp"

#include "core/db/params.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kRecord = R"sql(
INSERT INTO {schema}.inbox (event_id, publisher, name)
VALUES ($1, $2, $3)
ON CONFLICT (event_id) DO NOTHING
)sql";

constexpr std::string_view kPurge = R"sql(
DELETE FROM {schema}.inbox
WHERE event_id IN (
  SELECT event_id
  FROM {schema}.inbox
  WHERE received_at < now() - $1::double precision * interval '1 millisecond'
  LIMIT $2)
)sql";

}  // namespace

asio::awaitable<bool> InboxRepository::record(db::Transaction& tx, const Event& event) {
  auto result = co_await tx.execute(render_sql(kRecord, tx.module()), db::params(event.id, event.publisher, event.name));
  co_return result.affected_rows() == 1;
}

asio::awaitable<std::int64_t> InboxRepository::purge(const std::string& subscriber, std::chrono::milliseconds age,
                                                     std::size_t limit) {
  auto result = co_await pool_.execute(
      subscriber, render_sql(kPurge, subscriber),
      db::params(static_cast<std::int64_t>(age.count()), static_cast<std::int64_t>(limit)));
  co_return result.affected_rows();
}

}  // namespace nelo::events
