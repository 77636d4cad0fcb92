#include "shared/idempotency/schema_templates.hpp"

namespace nelo::idempotency {
namespace {

// One row per (scope, key). A row is born in_flight by claim() (its own committed INSERT, so the
// primary key arbitrates concurrent first requests) and becomes completed, with the response, in
// the business transaction that did the work. locked_at is when the current owner claimed it;
// an in_flight row whose owner has been silent too long is taken over by comparing it.
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

}  // namespace

std::vector<db::MigrationFile> schema_templates() { return {{"idempotency_0001_keys.sql", kKeys}}; }

}  // namespace nelo::idempotency
