#include "shared/idempotency/idempotency_store.hpp"

#include <stdexcept>
#include <utility>

#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"
#include "core/db/params.hpp"
#include "core/db/row_statement.hpp"
#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::idempotency {
namespace {

namespace asio = boost::asio;

// The key's answer, written by the transaction that did the work: a row statement
// (core/db/row_statement.hpp), so that the keys of the transactions a db::GroupCommit commits
// together go in one statement. The lock function raises kKeyInFlight while another open
// transaction holds the key (it took the lock with its own row); the primary key refuses the row
// once another request's answer is committed.
constexpr std::string_view kInsert = R"sql(
INSERT INTO {schema}.idempotency_keys (scope, key, fingerprint, response_status, response_body,
                                       response_content_type, response_location, created_at)
SELECT k.scope, k.key, k.fingerprint, k.status, k.body, k.content_type, NULLIF(k.location, ''), k.created_at
FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[],
            $8::timestamptz[]) AS k (scope, key, fingerprint, status, body, content_type, location, created_at)
CROSS JOIN LATERAL {schema}.lock_idempotency_key(k.scope, k.key)
)sql";

constexpr std::string_view kSelect = R"sql(
SELECT fingerprint, response_status, response_body, response_content_type, response_location
FROM {schema}.idempotency_keys
WHERE scope = $1 AND key = $2
)sql";

// Bounded batches keep each statement (and its locks) short.
constexpr std::string_view kPurge = R"sql(
DELETE FROM {schema}.idempotency_keys
WHERE (scope, key) IN (
  SELECT scope, key FROM {schema}.idempotency_keys
  WHERE created_at < $1
  ORDER BY created_at
  LIMIT $2)
)sql";

constexpr std::int64_t kPurgeBatch = 1000;

void check_fresh(const Claim& claim, std::string_view what) {
  if (claim.kind != Claim::Kind::Fresh) {
    throw std::logic_error("idempotency: " + std::string(what) + " needs a Fresh claim");
  }
}

}  // namespace

struct IdempotencyStore::Statements {
  std::string insert, select, purge;
};

std::optional<std::string> invalid_key_reason(std::string_view key) {
  if (key.empty()) return "must not be empty";
  if (key.size() > 255) return "must be at most 255 characters long";
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return "must contain only visible ASCII characters (no spaces or control characters)";
  }
  return std::nullopt;
}

ValidationError key_reused_error(std::string_view thing) {
  return ValidationError("idempotency-key-reused", "Idempotency key reused",
               "This Idempotency-Key was already used with a different request; use a new key for a new " +
                   std::string(thing));
}

Conflict key_in_use_error() {
  return Conflict("idempotency-key-in-use",
                  "A request with this Idempotency-Key is still being processed; retry in a moment");
}

std::string request_fingerprint(std::string_view method, std::string_view path, std::string_view body) {
  // Length-prefixed, so no two (method, path, body) triples hash the same text.
  std::string text;
  text.reserve(method.size() + path.size() + body.size() + 32);
  for (const auto part : {method, path, body}) {
    text += std::to_string(part.size());
    text += ':';
    text += part;
  }
  return security::sha256_hex(text);
}

IdempotencyStore::IdempotencyStore(db::ModuleDb& db, const Clock& clock, IdempotencyOptions options)
    : db_(db), clock_(clock), options_(options) {
  if (options_.retention < std::chrono::hours(24)) {
    throw std::invalid_argument("idempotency: keys must be kept at least 24 hours");
  }
  // render_sql validates the module name: it becomes an identifier in the SQL text.
  const std::string& module = db_.module();
  sql_ = std::make_shared<const Statements>(Statements{
      events::render_sql(kInsert, module), events::render_sql(kSelect, module), events::render_sql(kPurge, module)});
}

asio::awaitable<Claim> IdempotencyStore::claim(std::string scope, std::string key, std::string fingerprint) {
  // The header is checked by the route first; a 400 like the routes' if it was not.
  if (auto reason = invalid_key_reason(key)) throw BadRequest("The Idempotency-Key header is not valid: " + *reason);
  if (scope.empty() || scope.size() > 255) throw std::invalid_argument("idempotency: scope must be 1..255 bytes");

  Claim out;
  out.kind = Claim::Kind::Fresh;
  out.scope = std::move(scope);
  out.key = std::move(key);
  out.fingerprint = std::move(fingerprint);
  db::Params which = db::params(out.scope, out.key);
  auto found = co_await db_.execute_pipelined(sql_->select, which);
  if (found.empty()) co_return out;
  const auto row = found.front();
  if (row.get<std::string>("fingerprint") != out.fingerprint) {
    out.kind = Claim::Kind::Mismatch;
    co_return out;
  }
  out.kind = Claim::Kind::Replay;
  StoredResponse response;
  response.status = row.get<std::int32_t>("response_status");
  response.body = row.get<std::string>("response_body");
  response.content_type = row.get<std::string>("response_content_type");
  response.location = row.get<std::optional<std::string>>("response_location").value_or("");
  out.response = std::move(response);
  co_return out;
}

asio::awaitable<Claim> IdempotencyStore::commit(db::CommitWriter& tx, const Claim& claim, StoredResponse response) {
  check_fresh(claim, "commit()");
  if (tx.module() != db_.module()) {
    throw std::logic_error("idempotency: commit() of a " + db_.module() + " key in a " + tx.module() + " transaction");
  }
  // With the COMMIT, in its round trip: nothing reads this statement's result, and if it fails
  // the COMMIT is skipped and the whole transaction rolls back.
  tx.execute_rows_at_commit(sql_->insert, db::row(claim.scope, claim.key, claim.fingerprint, response.status,
                                                  response.body, response.content_type, response.location,
                                                  clock_.now()));
  bool in_flight = false;
  try {
    co_await tx.commit();
    co_return claim;
  } catch (const db::UniqueViolation& e) {
    if (e.constraint() != "idempotency_keys_pkey") throw;
  } catch (const db::DatabaseError& e) {
    if (e.sqlstate() != kKeyInFlight) throw;
    in_flight = true;
  }
  Claim verdict = claim;
  if (in_flight) {
    verdict.kind = Claim::Kind::InFlight;
    co_return verdict;
  }
  // Another request with this key committed first: its answer is the key's.
  verdict = co_await this->claim(claim.scope, claim.key, claim.fingerprint);
  // (Fresh again only if that answer was purged in between: still not ours to give.)
  if (verdict.kind == Claim::Kind::Fresh) verdict.kind = Claim::Kind::InFlight;
  co_return verdict;
}

asio::awaitable<Claim> IdempotencyStore::record(const Claim& claim, StoredResponse response) {
  check_fresh(claim, "record()");
  auto tx = co_await db_.begin();
  co_return co_await commit(tx, claim, std::move(response));
}

asio::awaitable<std::uint64_t> IdempotencyStore::purge() {
  const Timestamp cutoff = clock_.now() - options_.retention;
  std::uint64_t total = 0;
  for (std::int64_t n = kPurgeBatch; n == kPurgeBatch;) {
    db::Params values = db::params(cutoff, kPurgeBatch);
    auto result = co_await db_.execute(sql_->purge, values);
    n = result.affected_rows();
    total += static_cast<std::uint64_t>(n);
  }
  co_return total;
}

}  // namespace nelo::idempotency
