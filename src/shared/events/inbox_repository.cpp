#include "shared/events/inbox_repository.hpp"

#include <unordered_set>

#include "core/db/params.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;

// One row per event, in the order given (so that two instances redelivering the same events
// wait on them in the same order); the ids that were not there yet come back.
constexpr std::string_view kRecord = R"sql(
INSERT INTO {schema}.inbox (event_id, publisher, name)
SELECT e.id, e.publisher, e.name
FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e (id, publisher, name, n)
ORDER BY e.n
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
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

asio::awaitable<std::vector<bool>> InboxRepository::record(db::Transaction& tx,
                                                           const std::vector<const Event*>& events) {
  std::vector<std::string> ids;
  std::vector<std::string> publishers;
  std::vector<std::string> names;
  ids.reserve(events.size());
  publishers.reserve(events.size());
  names.reserve(events.size());
  for (const Event* e : events) {
    ids.push_back(e->id);
    publishers.push_back(e->publisher);
    names.push_back(e->name);
  }
  auto result = co_await tx.execute(render_sql(kRecord, tx.module()), db::params(ids, publishers, names));
  std::unordered_set<std::string> recorded;
  for (auto row : result) recorded.insert(row.get<std::string>(0));
  std::vector<bool> fresh;
  fresh.reserve(events.size());
  for (const Event* e : events) fresh.push_back(recorded.contains(e->id));
  co_return fresh;
}

asio::awaitable<std::int64_t> InboxRepository::purge(const std::string& subscriber, std::chrono::milliseconds age,
                                                     std::size_t limit) {
  auto result = co_await pool_.execute(
      subscriber, render_sql(kPurge, subscriber),
      db::params(static_cast<std::int64_t>(age.count()), static_cast<std::int64_t>(limit)));
  co_return result.affected_rows();
}

}  // namespace nelo::events
