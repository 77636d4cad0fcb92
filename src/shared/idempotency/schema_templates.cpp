#include "shared/idempotency/schema_templates.hpp"

namespace nelo::idempotency {
namespace {

// One row per (scope, key). Applied templates are history: 0002 below changes this table to the
// protocol IdempotencyStore follows now.
constexpr std::string_view kKeys = R"sql(
CREATE TABLE {schema}.idempotency_keys (
  scope                 text        NOT NULL CHECK (length(scope) BETWEEN 1 AND 255),
  key                   text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint           text        NOT NULL,
  state                 text        NOT NULL CHECK (state IN ('in_flight', 'completed')),
  response_status       integer     CHECK (response_status BETWEEN 100 AND 599),
  response_body         text,
  response_content_type text,
  created_at            timestamptz NOT NULL,
  locked_at             timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  PRIMARY KEY (scope, key),
  CHECK ((state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL
                                  AND response_content_type IS NOT NULL))
);
-- purge() deletes by age.
CREATE INDEX idempotency_keys_created_at ON {schema}.idempotency_keys (created_at);
)sql";

// A key is now written once, with its answer, by the transaction that did the work, and that
// transaction holds an advisory lock on the key from the moment it records it until it ends: a
// second request with the key meets the lock (in flight, 409) or, once the first committed, its
// row (the primary key). Rows still in flight were claims of the earlier protocol (a committed
// insert first, the answer later): their requests are gone, and the key is free again.
// The lock is transaction-scoped, so a crashed request leaves nothing behind. Its SQLSTATE is
// IdempotencyStore's kKeyInFlight. A created resource's Location header is replayed too.
constexpr std::string_view kWrittenWithTheWork = R"sql(
DELETE FROM {schema}.idempotency_keys WHERE state <> 'completed';
ALTER TABLE {schema}.idempotency_keys
  DROP COLUMN state,
  DROP COLUMN locked_at,
  DROP COLUMN updated_at,
  ALTER COLUMN response_status SET NOT NULL,
  ALTER COLUMN response_body SET NOT NULL,
  ALTER COLUMN response_content_type SET NOT NULL,
  ADD COLUMN response_location text;

CREATE FUNCTION {schema}.lock_idempotency_key(scope text, key text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(
      hashtextextended('{schema}.idempotency_keys/' || length(scope) || '/' || scope || '/' || key, 0)) THEN
    RAISE EXCEPTION 'idempotency key in flight' USING ERRCODE = 'NK409';
  END IF;
END
$$;
)sql";

}  // namespace

std::vector<db::MigrationFile> schema_templates() {
  return {{"idempotency_0001_keys.sql", kKeys}, {"idempotency_0002_written_with_the_work.sql", kWrittenWithTheWork}};
}

}  // namespace nelo::idempotency
