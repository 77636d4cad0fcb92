#include "shared/idempotency/idempotency_store.hpp"

#include <stdexcept>
#include <utility>

#include "core/db/params.hpp"
#include "core/db/pool.hpp"
#include "core/security/tokens.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::idempotency {
namespace {

namespace asio = boost::asio;

// Its own autocommitted statement: the primary key decides which of N concurrent first requests
// inserts; the others wait for that insert's commit and get no row back.
// Its commit does not wait for the WAL flush (synchronous_commit off for this transaction only):
// a claim lost in a crash only marked a request whose work died with it, and whatever durably
// commits after it (the stored response, a release) flushes the WAL up to and including it. The
// claim is visible to other requests at once either way; it saves a flush per request.
constexpr std::string_view kInsert = R"sql(
INSERT INTO {schema}.idempotency_keys (scope, key, fingerprint, state, created_at, locked_at, updated_at)
SELECT $1::text, $2::text, $3::text, 'in_flight', $4::timestamptz, $4::timestamptz, $4::timestamptz
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
ON CONFLICT (scope, key) DO NOTHING
RETURNING locked_at
)sql";

constexpr std::string_view kSelect = R"sql(
SELECT fingerprint, state, locked_at, response_status, response_body, response_content_type
FROM {schema}.idempotency_keys
WHERE scope = $1 AND key = $2
)sql";

// Compare-and-set on the lock time that was read: of two contenders for a stale claim, the
// second finds locked_at already changed and updates nothing.
constexpr std::string_view kTakeOver = R"sql(
UPDATE {schema}.idempotency_keys
SET locked_at = $4, updated_at = $4
WHERE scope = $1 AND key = $2 AND state = 'in_flight' AND locked_at = $3
RETURNING locked_at
)sql";

constexpr std::string_view kComplete = R"sql(
UPDATE {schema}.idempotency_keys
SET state = 'completed', response_status = $4, response_body = $5, response_content_type = $6, updated_at = $7
WHERE scope = $1 AND key = $2 AND state = 'in_flight' AND locked_at = $3
)sql";

constexpr std::string_view kRelease = R"sql(
DELETE FROM {schema}.idempotency_keys
WHERE scope = $1 AND key = $2 AND state = 'in_flight' AND locked_at = $3
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

// A row vanishing between the INSERT and the SELECT (released or purged) or a lost takeover race
// sends claim() round again; this bounds how often.
constexpr int kClaimAttempts = 5;

void check_claimed(const Claim& claim, std::string_view what) {
  if (claim.kind != Claim::Kind::Fresh || !claim.locked_at) {
    throw std::logic_error("idempotency: " + std::string(what) + " needs a Fresh claim");
  }
}

}  // namespace

struct IdempotencyStore::Statements {
  std::string insert, select, take_over, complete, release, purge;
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

IdempotencyStore::IdempotencyStore(db::Pool& pool, const Clock& clock, std::string module, IdempotencyOptions options)
    : pool_(pool), clock_(clock), module_(std::move(module)), options_(options) {
  if (options_.retention < std::chrono::hours(24)) {
    throw std::invalid_argument("idempotency: keys must be kept at least 24 hours");
  }
  if (options_.stale_after <= std::chrono::seconds(0)) {
    throw std::invalid_argument("idempotency: stale_after must be positive");
  }
  // render_sql validates the module name: it becomes an identifier in the SQL text.
  sql_ = std::make_shared<const Statements>(Statements{
      events::render_sql(kInsert, module_), events::render_sql(kSelect, module_),
      events::render_sql(kTakeOver, module_), events::render_sql(kComplete, module_),
      events::render_sql(kRelease, module_), events::render_sql(kPurge, module_)});
}

asio::awaitable<Claim> IdempotencyStore::claim(std::string scope, std::string key, std::string fingerprint) {
  // The header is checked by the route first; a 400 like the routes' if it was not.
  if (auto reason = invalid_key_reason(key)) throw BadRequest("The Idempotency-Key header is not valid: " + *reason);
  if (scope.empty() || scope.size() > 255) throw std::invalid_argument("idempotency: scope must be 1..255 bytes");

  Claim out;
  out.scope = std::move(scope);
  out.key = std::move(key);
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    const Timestamp now = clock_.now();
    db::Params insert = db::params(out.scope, out.key, fingerprint, now);
    // Not pipelined: a retry racing the first request's business transaction can wait here for
    // that transaction's lock on the key, and must not hold up statements queued behind it.
    auto inserted = co_await pool_.execute(module_, sql_->insert, insert);
    if (!inserted.empty()) {
      out.kind = Claim::Kind::Fresh;
      out.locked_at = inserted.front().get<Timestamp>(0);
      co_return out;
    }

    db::Params which = db::params(out.scope, out.key);
    auto found = co_await pool_.execute_pipelined(module_, sql_->select, which);
    if (found.empty()) continue;  // released or purged since our INSERT: insert again
    const auto row = found.front();

    if (row.get<std::string>("fingerprint") != fingerprint) {
      out.kind = Claim::Kind::Mismatch;
      co_return out;
    }
    if (row.get<std::string>("state") == "completed") {
      out.kind = Claim::Kind::Replay;
      StoredResponse response;
      response.status = row.get<std::int32_t>("response_status");
      response.body = row.get<std::string>("response_body");
      response.content_type = row.get<std::string>("response_content_type");
      out.response = std::move(response);
      co_return out;
    }
    const auto locked_at = row.get<Timestamp>("locked_at");
    if (locked_at > now - options_.stale_after) {
      out.kind = Claim::Kind::InFlight;
      co_return out;
    }
    // The owner has been silent past stale_after (crashed): take the claim over.
    db::Params take = db::params(out.scope, out.key, locked_at, now);
    auto taken = co_await pool_.execute(module_, sql_->take_over, take);
    if (!taken.empty()) {
      out.kind = Claim::Kind::Fresh;
      out.locked_at = taken.front().get<Timestamp>(0);
      co_return out;
    }
    // Someone else took it over or finished it first: look again.
  }
  out.kind = Claim::Kind::InFlight;
  co_return out;
}

asio::awaitable<void> IdempotencyStore::store_response(db::Transaction& tx, const Claim& claim,
                                                       const StoredResponse& response) {
  db::Params values = db::params(claim.scope, claim.key, *claim.locked_at, response.status, response.body,
                                 response.content_type, clock_.now());
  auto result = co_await tx.execute(sql_->complete, values);
  if (result.affected_rows() != 1) {
    throw ClaimLost("Another request with this Idempotency-Key took over while this one was running; retry later");
  }
}

asio::awaitable<void> IdempotencyStore::complete(db::Transaction& tx, const Claim& claim, StoredResponse response) {
  check_claimed(claim, "complete()");
  if (tx.module() != module_) {
    throw std::logic_error("idempotency: complete() of a " + module_ + " key in a " + tx.module() + " transaction");
  }
  co_await store_response(tx, claim, response);
}

asio::awaitable<void> IdempotencyStore::complete(const Claim& claim, StoredResponse response) {
  check_claimed(claim, "complete()");
  auto tx = co_await pool_.begin(module_);
  co_await store_response(tx, claim, response);
  co_await tx.commit();
}

asio::awaitable<void> IdempotencyStore::release(const Claim& claim) {
  check_claimed(claim, "release()");
  db::Params which = db::params(claim.scope, claim.key, *claim.locked_at);
  co_await pool_.execute(module_, sql_->release, which);
}

asio::awaitable<std::uint64_t> IdempotencyStore::purge() {
  const Timestamp cutoff = clock_.now() - options_.retention;
  std::uint64_t total = 0;
  for (std::int64_t n = kPurgeBatch; n == kPurgeBatch;) {
    db::Params values = db::params(cutoff, kPurgeBatch);
    auto result = co_await pool_.execute(module_, sql_->purge, values);
    n = result.affected_rows();
    total += static_cast<std::uint64_t>(n);
  }
  co_return total;
}

}  // namespace nelo::idempotency
