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

}  // namespace

std::vector<db::MigrationFile> schema_templates() {
  return {{"events_0001_outbox_inbox.sql", kOutboxInbox}};
}

}  // namespace nelo::events
