#include "shared/events/schema_templates.hpp"

namespace nelo::events {
namespace {

// Every module gets all three tables: any module may publish and subscribe.
// No foreign key leaves the schema: deliveries name subscribers by module name only.
constexpr std::string_view kOutboxInbox = R"sql(
-- Events this module published, written in the same transaction as the state change.
-- seq orders them (insertion order, which is commit order for a single writer).
CREATE TABLE {schema}.outbox (
  id          uuid        PRIMARY KEY,
  seq         bigserial   NOT NULL UNIQUE,
  name        text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'),
  version     integer     NOT NULL CHECK (version >= 1),
  payload     jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_occurred_at ON {schema}.outbox (occurred_at);

-- One row per (event, subscriber): the delivery state machine pending -> delivered | dead.
-- A dispatcher owns a pending row while lease_until is in the future; seq is copied from the
-- outbox so claiming in order needs no join.
CREATE TABLE {schema}.outbox_deliveries (
  event_id        uuid        NOT NULL REFERENCES {schema}.outbox (id) ON DELETE CASCADE,
  subscriber      text        NOT NULL,
  seq             bigint      NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_error      text,
  last_attempt_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  PRIMARY KEY (event_id, subscriber),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
-- Claiming scans pending rows in seq order; the partial indexes stay small because most rows
-- are delivered.
CREATE INDEX outbox_deliveries_claim ON {schema}.outbox_deliveries (seq) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_dead ON {schema}.outbox_deliveries (seq, subscriber) WHERE status = 'dead';
CREATE INDEX outbox_deliveries_purge ON {schema}.outbox_deliveries (delivered_at) WHERE status = 'delivered';

-- Events this module reacted to. The row is inserted in the same transaction as the reaction,
-- so a redelivered event finds it and is skipped.
CREATE TABLE {schema}.inbox (
  event_id    uuid        PRIMARY KEY,
  publisher   text        NOT NULL,
  name        text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbox_received_at ON {schema}.inbox (received_at);
)sql";

// Applied templates are history: 0002 changes how claims find their rows.
constexpr std::string_view kClaimBySubscriber = R"sql(
-- A claim asks for each subscriber's oldest due deliveries. The index of 0001, in seq order over
-- every subscriber, made each claim step over the pending rows of the subscribers it left out:
-- one lagging subscriber's backlog was read again by every claim for the others.
DROP INDEX {schema}.outbox_deliveries_claim;
CREATE INDEX outbox_deliveries_pending ON {schema}.outbox_deliveries (subscriber, seq) WHERE status = 'pending';

-- Leases up to claim_limit of each subscriber's oldest pending, due and unleased deliveries to
-- claim_owner for claim_lease_ms, and returns them with their events. A function so that its plan
-- can be fixed: statistics gathered while little was pending make a backlog look tiny, and the
-- planner would then read and sort every pending row at each claim instead of walking the index,
-- exactly when the backlog makes that most expensive.
CREATE FUNCTION {schema}.claim_deliveries(claim_subscribers text[], claim_limit integer, claim_owner text,
                                          claim_lease_ms double precision)
RETURNS TABLE (event_id uuid, subscriber text, attempts integer, seq bigint, name text, version integer,
               payload jsonb, occurred_at timestamptz)
LANGUAGE sql
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $$
WITH due AS (
  SELECT p.event_id, p.subscriber
  FROM unnest(claim_subscribers) AS s (name)
  CROSS JOIN LATERAL (
    SELECT q.event_id, q.subscriber
    FROM {schema}.outbox_deliveries AS q
    WHERE q.status = 'pending' AND q.subscriber = s.name
      AND q.next_attempt_at <= now() AND (q.lease_until IS NULL OR q.lease_until < now())
    ORDER BY q.seq
    LIMIT claim_limit
    FOR UPDATE SKIP LOCKED
  ) AS p
)
UPDATE {schema}.outbox_deliveries AS d
SET lease_owner = claim_owner,
    lease_until = now() + claim_lease_ms * interval '1 millisecond'
FROM due, {schema}.outbox AS o
WHERE d.event_id = due.event_id AND d.subscriber = due.subscriber AND o.id = d.event_id
RETURNING d.event_id, d.subscriber, d.attempts, d.seq, o.name, o.version, o.payload, o.occurred_at
$$;
)sql";

// 0003: a claim may start past the rows its lane is known to be done with.
constexpr std::string_view kClaimAfter = R"sql(
-- Delivered rows leave dead entries at the head of each subscriber's range of the pending index
-- until VACUUM removes them, and a claim walked over all of them before reaching the first row
-- still pending: under load, most of a claim's cost. Each subscriber now comes with a seq its
-- claim starts after (0: from the start), which the dispatcher sets a little below what the lane
-- last claimed; its periodic polls start from 0, so that retries, expired leases and late commits
-- below that point are still found.
DROP FUNCTION {schema}.claim_deliveries(text[], integer, text, double precision);

CREATE FUNCTION {schema}.claim_deliveries(claim_subscribers text[], claim_after bigint[], claim_limit integer,
                                          claim_owner text, claim_lease_ms double precision)
RETURNS TABLE (event_id uuid, subscriber text, attempts integer, seq bigint, name text, version integer,
               payload jsonb, occurred_at timestamptz)
LANGUAGE sql
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $$
WITH due AS (
  SELECT p.event_id, p.subscriber
  FROM unnest(claim_subscribers, claim_after) AS s (name, after)
  CROSS JOIN LATERAL (
    SELECT q.event_id, q.subscriber
    FROM {schema}.outbox_deliveries AS q
    WHERE q.status = 'pending' AND q.subscriber = s.name AND q.seq > s.after
      AND q.next_attempt_at <= now() AND (q.lease_until IS NULL OR q.lease_until < now())
    ORDER BY q.seq
    LIMIT claim_limit
    FOR UPDATE SKIP LOCKED
  ) AS p
)
UPDATE {schema}.outbox_deliveries AS d
SET lease_owner = claim_owner,
    lease_until = now() + claim_lease_ms * interval '1 millisecond'
FROM due, {schema}.outbox AS o
WHERE d.event_id = due.event_id AND d.subscriber = due.subscriber AND o.id = d.event_id
RETURNING d.event_id, d.subscriber, d.attempts, d.seq, o.name, o.version, o.payload, o.occurred_at
$$;
)sql";

// 0004: no foreign key from a delivery to its event.
constexpr std::string_view kDeliveriesWithoutForeignKey = R"sql(
-- The key checked each delivery row as it was inserted, with a query of its own that also locked
-- the event's row: four or five per event, for a fact the schema's code already guarantees. The
-- one statement that writes deliveries inserts their event in the same statement
-- (OutboxRepository::insert_at_commit), and an event is purged only once no delivery refers to
-- it (kPurgeEvents), so the cascade it declared never had anything to delete.
ALTER TABLE {schema}.outbox_deliveries DROP CONSTRAINT outbox_deliveries_event_id_fkey;
)sql";

// 0005: streams, one position per subscriber instead of one row per delivery
// (docs/proposals/outbox-streams.md).
constexpr std::string_view kOutboxStreams = R"sql(
-- The transaction that published each event: what makes it visible, in a snapshot's terms.
-- Events published before this migration have none; streams start after them (their delivery
-- rows carry them).
ALTER TABLE {schema}.outbox ADD COLUMN tx xid8;
ALTER TABLE {schema}.outbox ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
-- By name first: a stream reads only its names, so a stream whose names this publisher seldom or
-- never publishes probes nothing, however far back its position is.
CREATE INDEX outbox_name_tx ON {schema}.outbox (name, tx);

-- One row per subscriber of this publisher: every event visible in `done` is handled; the events
-- visible in `upto` and not in `done` (seqs range_start..range_end) are being handled, up to
-- after_seq. A stream belongs to lease_owner until lease_until.
CREATE TABLE {schema}.outbox_streams (
  subscriber  text        PRIMARY KEY,
  names       text[]      NOT NULL,
  done        pg_snapshot NOT NULL,
  upto        pg_snapshot,
  after_seq   bigint      NOT NULL DEFAULT 0,
  range_end   bigint      NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Leases the stream (free, expired or already ours), opens a range if none is open, and returns
-- up to claim_limit of the range's events past after_seq among the stream's names, in seq order,
-- then one row with a null event_id when the range holds no more. Nothing when another owner
-- holds the stream. A range's first and last seq of the stream's names are found once, through
-- the index on (name, tx), when it opens; claims then walk the seq index between them. A stream with no
-- open range and nothing new of its names is answered without writing: a claim of an idle stream
-- costs one index probe per name. Its plans are fixed as claim_deliveries' are: PL/pgSQL keeps a
-- generic plan after a few calls, and the generic plan of that probe (LIMIT 1 over an unknown
-- range of tx) was a sequential scan of the whole outbox, 12 ms at 100 000 events, not 0.05 ms.
CREATE FUNCTION {schema}.claim_stream(claim_subscriber text, claim_owner text, claim_limit integer,
                                      claim_lease_ms double precision)
RETURNS TABLE (event_id uuid, seq bigint, name text, version integer, payload jsonb, occurred_at timestamptz)
LANGUAGE plpgsql
SET enable_seqscan = off
SET enable_bitmapscan = off
AS $$
DECLARE
  s {schema}.outbox_streams;
  first_seq bigint;
  last_seq bigint;
  returned integer;
BEGIN
  SELECT * INTO s FROM {schema}.outbox_streams AS t WHERE t.subscriber = claim_subscriber;
  IF NOT FOUND OR (s.lease_until >= now() AND s.lease_owner <> claim_owner) THEN
    RETURN;
  END IF;
  IF s.upto IS NULL AND NOT EXISTS (
       SELECT 1 FROM {schema}.outbox AS o
       WHERE o.name = ANY (s.names) AND o.tx >= pg_snapshot_xmin(s.done)
         AND NOT pg_visible_in_snapshot(o.tx, s.done)) THEN
    RETURN QUERY SELECT NULL::uuid, NULL::bigint, NULL::text, NULL::integer, NULL::jsonb, NULL::timestamptz;
    RETURN;
  END IF;
  UPDATE {schema}.outbox_streams AS t
  SET lease_owner = claim_owner,
      lease_until = now() + claim_lease_ms * interval '1 millisecond',
      updated_at = now()
  WHERE t.subscriber = claim_subscriber
    AND (t.lease_until IS NULL OR t.lease_until < now() OR t.lease_owner = claim_owner)
  RETURNING t.* INTO s;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF s.upto IS NULL THEN
    s.upto := pg_current_snapshot();
    -- OFFSET 0 keeps min() and max() from becoming walks of the seq index from either end.
    SELECT min(r.seq), max(r.seq) INTO first_seq, last_seq
    FROM (SELECT o.seq FROM {schema}.outbox AS o
          WHERE o.name = ANY (s.names) AND o.tx >= pg_snapshot_xmin(s.done) AND o.tx < pg_snapshot_xmax(s.upto)
            AND pg_visible_in_snapshot(o.tx, s.upto) AND NOT pg_visible_in_snapshot(o.tx, s.done)
          OFFSET 0) AS r;
    IF first_seq IS NULL THEN
      -- Nothing of its names became visible: the range closes as it opens.
      UPDATE {schema}.outbox_streams AS t SET done = s.upto WHERE t.subscriber = claim_subscriber;
      RETURN QUERY SELECT NULL::uuid, NULL::bigint, NULL::text, NULL::integer, NULL::jsonb, NULL::timestamptz;
      RETURN;
    END IF;
    s.after_seq := first_seq - 1;
    s.range_end := last_seq;
    UPDATE {schema}.outbox_streams AS t
    SET upto = s.upto, after_seq = s.after_seq, range_end = s.range_end
    WHERE t.subscriber = claim_subscriber;
  END IF;
  RETURN QUERY
    SELECT o.id, o.seq, o.name, o.version, o.payload, o.occurred_at
    FROM {schema}.outbox AS o
    WHERE o.seq > s.after_seq AND o.seq <= s.range_end
      AND pg_visible_in_snapshot(o.tx, s.upto) AND NOT pg_visible_in_snapshot(o.tx, s.done)
      AND o.name = ANY (s.names)
    ORDER BY o.seq
    LIMIT claim_limit;
  GET DIAGNOSTICS returned = ROW_COUNT;
  IF returned = 0 THEN
    -- Every event of the range was handled (after_seq moves only past committed work): it closes
    -- here, as the last chunk's progress would have had the last claim known it was the last.
    UPDATE {schema}.outbox_streams AS t
    SET done = s.upto, upto = NULL, after_seq = 0, range_end = 0
    WHERE t.subscriber = claim_subscriber;
  END IF;
  IF returned < claim_limit THEN
    RETURN QUERY SELECT NULL::uuid, NULL::bigint, NULL::text, NULL::integer, NULL::jsonb, NULL::timestamptz;
  END IF;
END
$$;

-- claim_stream for several subscribers in one round trip, each row tagged with its subscriber: a
-- subscriber with no row is held by another owner.
CREATE FUNCTION {schema}.claim_streams(claim_subscribers text[], claim_owner text, claim_limit integer,
                                       claim_lease_ms double precision)
RETURNS TABLE (subscriber text, event_id uuid, seq bigint, name text, version integer, payload jsonb,
               occurred_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  one text;
BEGIN
  FOREACH one IN ARRAY claim_subscribers LOOP
    RETURN QUERY SELECT one, c.* FROM {schema}.claim_stream(one, claim_owner, claim_limit, claim_lease_ms) AS c;
  END LOOP;
END
$$;

-- What each stream still has to take: events committed and visible now that are not in its
-- `done`, of its names, and not already passed in its open range. Stats count it as pending.
CREATE VIEW {schema}.stream_backlog AS
SELECT s.subscriber, o.id AS event_id, o.seq, o.occurred_at
FROM {schema}.outbox_streams AS s
JOIN {schema}.outbox AS o
  ON o.name = ANY (s.names) AND o.tx >= pg_snapshot_xmin(s.done) AND NOT pg_visible_in_snapshot(o.tx, s.done)
WHERE s.upto IS NULL OR NOT pg_visible_in_snapshot(o.tx, s.upto) OR o.seq > s.after_seq;

-- What the bus still has to deliver from this publisher: the pending delivery rows and every
-- stream's backlog. The bus's stats, the tests' waits and the benchmarks' drain read it.
CREATE FUNCTION {schema}.pending_deliveries()
RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT (SELECT count(*) FROM {schema}.outbox_deliveries WHERE status = 'pending')
       + (SELECT count(*) FROM {schema}.stream_backlog)
$$;

)sql";

}  // namespace

std::vector<db::MigrationFile> schema_templates() {
  return {{"events_0001_outbox_inbox.sql", kOutboxInbox},
          {"events_0002_claim_by_subscriber.sql", kClaimBySubscriber},
          {"events_0003_claim_after.sql", kClaimAfter},
          {"events_0004_deliveries_without_foreign_key.sql", kDeliveriesWithoutForeignKey},
          {"events_0005_outbox_streams.sql", kOutboxStreams}};
}

}  // namespace nelo::events
