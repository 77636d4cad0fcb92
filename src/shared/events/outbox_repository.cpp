#include "shared/events/outbox_repository.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "core/db/params.hpp"
#include "core/db/row_statement.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;

// One statement: the events and their fan-out, a row statement (core/db/row_statement.hpp) with
// one row per event: id, name, version, payload and its subscribers (a text[] literal as text).
// Events queued together get their seq in queue order. occurred_at is the transaction's now(),
// like the state change it records. A data-modifying CTE always runs, so an event with no
// subscriber is still recorded.
constexpr std::string_view kInsertEvents = R"sql(
WITH input AS (
  SELECT *
  FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::jsonb[], $5::text[]) WITH ORDINALITY
    AS e (id, name, version, payload, subscribers, n)
), event AS (
  INSERT INTO {schema}.outbox (id, name, version, payload)
  SELECT id, name, version, payload FROM input ORDER BY n
  RETURNING id, seq
)
INSERT INTO {schema}.outbox_deliveries (event_id, subscriber, seq)
SELECT event.id, s.subscriber, event.seq
FROM event JOIN input USING (id) CROSS JOIN unnest(input.subscribers::text[]) AS s (subscriber)
)sql";

// The schema's function (events_0003): up to $3 rows per subscriber past its seq in $2, SKIP
// LOCKED so that concurrent claimers split the work; the lease then keeps the rows ours after this
// statement's transaction ends, until lease_until.
constexpr std::string_view kClaim = R"sql(
SELECT event_id, subscriber, attempts, seq, name, version, payload, occurred_at
FROM {schema}.claim_deliveries($1::text[], $2::bigint[], $3::integer, $4, $5::double precision)
)sql";

// Not fenced by the lease: once the subscriber's transaction committed, the event is delivered,
// whoever reports it.
constexpr std::string_view kMarkDelivered = R"sql(
UPDATE {schema}.outbox_deliveries
SET status = 'delivered',
    delivered_at = now(),
    last_attempt_at = now(),
    attempts = attempts + 1,
    last_error = NULL,
    lease_owner = NULL,
    lease_until = NULL
WHERE event_id = ANY ($1::uuid[]) AND subscriber = $2 AND status = 'pending'
)sql";

constexpr std::string_view kRecordFailure = R"sql(
UPDATE {schema}.outbox_deliveries
SET attempts = attempts + 1,
    status = CASE WHEN attempts + 1 >= $4 THEN 'dead' ELSE 'pending' END,
    next_attempt_at = now() + $5::double precision * interval '1 millisecond',
    last_error = $6,
    last_attempt_at = now(),
    lease_owner = NULL,
    lease_until = NULL
WHERE event_id = $1 AND subscriber = $2 AND status = 'pending' AND lease_owner = $3
RETURNING attempts, status
)sql";

constexpr std::string_view kListDead = R"sql(
SELECT d.event_id, d.subscriber, d.seq, d.attempts, d.last_error, d.created_at, d.last_attempt_at,
       o.name, o.version, o.payload, o.occurred_at
FROM {schema}.outbox_deliveries AS d
JOIN {schema}.outbox AS o ON o.id = d.event_id
WHERE d.status = 'dead' AND (d.seq, d.subscriber) > ($1::bigint, $2::text)
ORDER BY d.seq, d.subscriber
LIMIT $3
)sql";

constexpr std::string_view kReplay = R"sql(
UPDATE {schema}.outbox_deliveries
SET status = 'pending',
    attempts = 0,
    next_attempt_at = now(),
    lease_owner = NULL,
    lease_until = NULL
WHERE event_id = $1 AND subscriber = $2 AND status = 'dead'
)sql";

// Each sub-select reads one partial index. The oldest pending row reads every pending entry of
// the (subscriber, seq) index, as the count does: the stats cost one pass over the backlog.
constexpr std::string_view kStats = R"sql(
SELECT
  {schema}.pending_deliveries() AS pending,
  (SELECT count(*) FROM {schema}.outbox_deliveries WHERE status = 'dead') AS dead,
  (SELECT GREATEST(EXTRACT(EPOCH FROM now() - min(since)), 0)::double precision FROM (
     (SELECT created_at AS since FROM {schema}.outbox_deliveries WHERE status = 'pending' ORDER BY seq LIMIT 1)
     UNION ALL
     (SELECT min(occurred_at) FROM {schema}.stream_backlog)) AS oldest) AS oldest_pending_seconds
)sql";

constexpr std::string_view kPurgeDeliveries = R"sql(
DELETE FROM {schema}.outbox_deliveries
WHERE (event_id, subscriber) IN (
  SELECT event_id, subscriber
  FROM {schema}.outbox_deliveries
  WHERE status = 'delivered' AND delivered_at < now() - $1::double precision * interval '1 millisecond'
  LIMIT $2)
)sql";

// An event goes once no delivery refers to it (all were delivered and purged, or it had no
// subscriber; pending and dead deliveries keep their event) and every stream that takes it has
// closed a range holding it (a stream whose subscriber is away keeps what it has not taken yet).
constexpr std::string_view kPurgeEvents = R"sql(
DELETE FROM {schema}.outbox
WHERE id IN (
  SELECT o.id
  FROM {schema}.outbox AS o
  WHERE o.occurred_at < now() - $1::double precision * interval '1 millisecond'
    AND NOT EXISTS (SELECT 1 FROM {schema}.outbox_deliveries AS d WHERE d.event_id = o.id)
    AND NOT EXISTS (SELECT 1 FROM {schema}.outbox_streams AS s
                    WHERE o.tx IS NOT NULL AND o.name = ANY (s.names) AND NOT pg_visible_in_snapshot(o.tx, s.done))
  LIMIT $2)
)sql";

// One row per subscriber: its name and its event names (a text[] literal as text).
constexpr std::string_view kOpenStreams = R"sql(
INSERT INTO {schema}.outbox_streams (subscriber, names, done)
SELECT s.subscriber, s.names::text[], pg_current_snapshot()
FROM unnest($1::text[], $2::text[]) AS s (subscriber, names)
ON CONFLICT (subscriber) DO UPDATE SET names = EXCLUDED.names, updated_at = now()
)sql";

constexpr std::string_view kClaimStreams = R"sql(
SELECT subscriber, event_id, seq, name, version, payload, occurred_at
FROM {schema}.claim_streams($1::text[], $2, $3::integer, $4::double precision)
)sql";

// After the subscriber committed the events up to $3: moves on within the range, or, when $4,
// closes it (done = upto). Fenced by the lease. A statement of its own, not a SQL function: those
// are planned again at each call, which cost 0.17 ms of the 0.2 ms per chunk under load.
constexpr std::string_view kAdvanceStream = R"sql(
UPDATE {schema}.outbox_streams
SET after_seq = CASE WHEN $4::boolean THEN 0 ELSE GREATEST(after_seq, $3::bigint) END,
    range_end = CASE WHEN $4::boolean THEN 0 ELSE range_end END,
    done = CASE WHEN $4::boolean THEN upto ELSE done END,
    upto = CASE WHEN $4::boolean THEN NULL ELSE upto END,
    updated_at = now()
WHERE subscriber = $1 AND lease_owner = $2 AND upto IS NOT NULL
)sql";

constexpr std::string_view kReleaseStreams = R"sql(
UPDATE {schema}.outbox_streams SET lease_owner = NULL, lease_until = NULL, updated_at = now()
WHERE lease_owner = $1 AND subscriber = ANY ($2::text[])
)sql";

constexpr std::string_view kRecordStreamFailure = R"sql(
INSERT INTO {schema}.outbox_deliveries
  (event_id, subscriber, seq, status, attempts, next_attempt_at, last_error, last_attempt_at)
VALUES ($1, $2, $3, CASE WHEN $6::integer <= 1 THEN 'dead' ELSE 'pending' END, 1,
        now() + $4::double precision * interval '1 millisecond', $5, now())
ON CONFLICT (event_id, subscriber) DO NOTHING
RETURNING attempts, status
)sql";

std::int64_t as_int(std::size_t v) { return static_cast<std::int64_t>(v); }

// An event read back from a claim's row (its columns event_id, name, version, payload,
// occurred_at) with its delivery's seq.
template <class Row>
ClaimedDelivery claimed_from(const Row& row, const std::string& publisher, std::string subscriber) {
  ClaimedDelivery d;
  d.event.id = row.template get<std::string>("event_id");
  d.event.name = row.template get<std::string>("name");
  d.event.version = row.template get<std::int32_t>("version");
  d.event.publisher = publisher;
  auto payload = row.template get<boost::json::value>("payload");
  if (auto* object = payload.if_object()) d.event.payload = std::move(*object);
  d.event.occurred_at = row.template get<Timestamp>("occurred_at");
  d.subscriber = std::move(subscriber);
  d.seq = row.template get<std::int64_t>("seq");
  return d;
}
std::int64_t as_int(std::chrono::milliseconds v) { return static_cast<std::int64_t>(v.count()); }

}  // namespace

void OutboxRepository::insert_at_commit(db::CommitWriter& tx, const Event& event,
                                        const std::vector<std::string>& subscribers) {
  tx.execute_rows_at_commit(
      render_sql(kInsertEvents, event.publisher),
      db::row(event.id, event.name, std::int32_t{event.version}, event.payload, db::to_param(subscribers)));
}

asio::awaitable<std::vector<ClaimedDelivery>> OutboxRepository::claim(const std::string& publisher,
                                                                      const std::vector<std::string>& subscribers,
                                                                      const std::vector<std::int64_t>& after,
                                                                      std::size_t limit, const std::string& owner,
                                                                      std::chrono::milliseconds lease) {
  if (after.size() != subscribers.size()) {
    throw std::invalid_argument("events: a claim needs one starting seq per subscriber");
  }
  auto result = co_await pool_.execute(publisher, render_sql(kClaim, publisher),
                                       db::params(subscribers, after, as_int(limit), owner, as_int(lease)));
  std::vector<ClaimedDelivery> claimed;
  claimed.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) {
    ClaimedDelivery d = claimed_from(row, publisher, row.get<std::string>("subscriber"));
    d.attempts = row.get<std::int32_t>("attempts");
    claimed.push_back(std::move(d));
  }
  // RETURNING has no order of its own.
  std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
    return a.seq != b.seq ? a.seq < b.seq : a.subscriber < b.subscriber;
  });
  co_return claimed;
}

asio::awaitable<void> OutboxRepository::open_stream(const std::string& publisher, const std::string& subscriber,
                                                    const std::vector<std::string>& names) {
  const std::vector<std::string> subscribers{subscriber};
  const std::vector<std::vector<std::string>> names_of{names};
  co_await open_streams(publisher, subscribers, names_of);
}

asio::awaitable<void> OutboxRepository::open_streams(const std::string& publisher,
                                                     const std::vector<std::string>& subscribers,
                                                     const std::vector<std::vector<std::string>>& names) {
  if (names.size() != subscribers.size()) {
    throw std::invalid_argument("events: opening streams needs one list of names per subscriber");
  }
  std::vector<std::string> name_lists;
  name_lists.reserve(names.size());
  for (const auto& list : names) name_lists.push_back(*db::to_param(list));
  co_await pool_.execute(publisher, render_sql(kOpenStreams, publisher), db::params(subscribers, name_lists));
}

asio::awaitable<StreamClaim> OutboxRepository::claim_stream(const std::string& publisher, const std::string& subscriber,
                                                            const std::string& owner, std::size_t limit,
                                                            std::chrono::milliseconds lease) {
  const std::vector<std::string> one{subscriber};
  auto claims = co_await claim_streams(publisher, one, owner, limit, lease);
  co_return std::move(claims.front());
}

asio::awaitable<std::vector<StreamClaim>> OutboxRepository::claim_streams(const std::string& publisher,
                                                                          const std::vector<std::string>& subscribers,
                                                                          const std::string& owner, std::size_t limit,
                                                                          std::chrono::milliseconds lease) {
  std::vector<StreamClaim> claims(subscribers.size());
  std::map<std::string, StreamClaim*, std::less<>> by_subscriber;
  for (std::size_t i = 0; i < subscribers.size(); ++i) {
    claims[i].subscriber = subscribers[i];
    by_subscriber[subscribers[i]] = &claims[i];
  }
  auto result = co_await pool_.execute(publisher, render_sql(kClaimStreams, publisher),
                                       db::params(subscribers, owner, as_int(limit), as_int(lease)));
  for (auto row : result) {
    const auto found = by_subscriber.find(row.text(0));
    if (found == by_subscriber.end()) continue;
    StreamClaim& claim = *found->second;
    claim.leased = true;
    if (row.is_null(1)) {  // the marker that ends the range
      claim.exhausted = true;
      continue;
    }
    claim.deliveries.push_back(claimed_from(row, publisher, claim.subscriber));
  }
  co_return claims;
}

asio::awaitable<bool> OutboxRepository::advance_stream(const std::string& publisher, const std::string& subscriber,
                                                       const std::string& owner, std::int64_t handled_seq,
                                                       bool close_range) {
  auto result = co_await pool_.execute(publisher, render_sql(kAdvanceStream, publisher),
                                       db::params(subscriber, owner, handled_seq, close_range));
  co_return result.affected_rows() == 1;
}

asio::awaitable<std::int64_t> OutboxRepository::release_streams(const std::string& publisher,
                                                                const std::vector<std::string>& subscribers,
                                                                const std::string& owner) {
  auto result = co_await pool_.execute(publisher, render_sql(kReleaseStreams, publisher),
                                       db::params(owner, subscribers));
  co_return result.affected_rows();
}

asio::awaitable<std::optional<FailureOutcome>> OutboxRepository::record_stream_failure(
    const ClaimedDelivery& delivery, const std::string& error, int max_attempts, std::chrono::milliseconds retry_in) {
  const auto& publisher = delivery.event.publisher;
  auto result = co_await pool_.execute(publisher, render_sql(kRecordStreamFailure, publisher),
                                       db::params(delivery.event.id, delivery.subscriber, delivery.seq,
                                                  as_int(retry_in), error, std::int32_t{max_attempts}));
  if (result.empty()) co_return std::nullopt;
  auto row = result.front();
  co_return FailureOutcome{row.get<std::int32_t>("attempts"), row.get<std::string>("status") == "dead"};
}

asio::awaitable<std::int64_t> OutboxRepository::mark_delivered(const std::string& publisher,
                                                               const std::string& subscriber,
                                                               const std::vector<std::string>& event_ids) {
  auto result = co_await pool_.execute(publisher, render_sql(kMarkDelivered, publisher),
                                       db::params(event_ids, subscriber));
  co_return result.affected_rows();
}

asio::awaitable<std::optional<FailureOutcome>> OutboxRepository::record_failure(
    const std::string& publisher, const std::string& event_id, const std::string& subscriber,
    const std::string& owner, const std::string& error, int max_attempts, std::chrono::milliseconds retry_in) {
  auto result = co_await pool_.execute(
      publisher, render_sql(kRecordFailure, publisher),
      db::params(event_id, subscriber, owner, std::int32_t{max_attempts}, as_int(retry_in), error));
  if (result.empty()) co_return std::nullopt;
  auto row = result.front();
  co_return FailureOutcome{row.get<std::int32_t>("attempts"), row.get<std::string>("status") == "dead"};
}

asio::awaitable<std::vector<DeadDelivery>> OutboxRepository::list_dead(const std::string& publisher,
                                                                       std::int64_t after_seq,
                                                                       const std::string& after_subscriber,
                                                                       std::size_t limit) {
  auto result = co_await pool_.execute(publisher, render_sql(kListDead, publisher),
                                       db::params(after_seq, after_subscriber, as_int(limit)));
  std::vector<DeadDelivery> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) {
    DeadDelivery d;
    d.publisher = publisher;
    d.event_id = row.get<std::string>("event_id");
    d.subscriber = row.get<std::string>("subscriber");
    d.seq = row.get<std::int64_t>("seq");
    d.attempts = row.get<std::int32_t>("attempts");
    d.last_error = row.get<std::optional<std::string>>("last_error").value_or("");
    d.created_at = row.get<Timestamp>("created_at");
    d.last_attempt_at = row.get<std::optional<Timestamp>>("last_attempt_at");
    d.event_name = row.get<std::string>("name");
    d.event_version = row.get<std::int32_t>("version");
    auto payload = row.get<boost::json::value>("payload");
    if (auto* object = payload.if_object()) d.payload = std::move(*object);
    d.occurred_at = row.get<Timestamp>("occurred_at");
    items.push_back(std::move(d));
  }
  co_return items;
}

asio::awaitable<bool> OutboxRepository::replay(const std::string& publisher, const std::string& event_id,
                                               const std::string& subscriber) {
  auto result = co_await pool_.execute(publisher, render_sql(kReplay, publisher), db::params(event_id, subscriber));
  co_return result.affected_rows() > 0;
}

asio::awaitable<PublisherStats> OutboxRepository::stats(const std::string& publisher) {
  auto result = co_await pool_.execute(publisher, render_sql(kStats, publisher));
  auto row = result.front();
  PublisherStats stats;
  stats.publisher = publisher;
  stats.pending = row.get<std::int64_t>("pending");
  stats.dead = row.get<std::int64_t>("dead");
  stats.oldest_pending_seconds = row.get<std::optional<double>>("oldest_pending_seconds").value_or(0.0);
  co_return stats;
}

asio::awaitable<std::int64_t> OutboxRepository::purge_deliveries(const std::string& publisher,
                                                                 std::chrono::milliseconds age, std::size_t limit) {
  auto result = co_await pool_.execute(publisher, render_sql(kPurgeDeliveries, publisher),
                                       db::params(as_int(age), as_int(limit)));
  co_return result.affected_rows();
}

asio::awaitable<std::int64_t> OutboxRepository::purge_events(const std::string& publisher,
                                                             std::chrono::milliseconds age, std::size_t limit) {
  auto result = co_await pool_.execute(publisher, render_sql(kPurgeEvents, publisher),
                                       db::params(as_int(age), as_int(limit)));
  co_return result.affected_rows();
}

}  // namespace nelo::events
