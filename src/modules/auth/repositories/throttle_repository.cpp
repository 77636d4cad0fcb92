#include "modules/auth/repositories/throttle_repository.hpp"

#include "core/db/params.hpp"
#include "core/db/result.hpp"
#include "core/db/transaction.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

// Counts one attempt on a key unless its wait is still running (then nothing is returned). The
// row lock taken by ON CONFLICT serialises concurrent attempts on the key. After the attempt,
// a counter at or past its allowance ($2) makes the next one wait $6 * 2^(failures - allowance)
// seconds, at most $4, or until its window ends when $5 (a hard limit); a window ($3) over
// restarts the count. Time is the database's, shared by every instance. "No wait" is stored as
// -infinity, not as the writer's now(): a transaction that started earlier and waited for the
// row lock would otherwise find that "now" still in its future and be refused.
constexpr const char* kCountAttempt = R"sql(
INSERT INTO auth.login_throttle AS t (key, failures, window_started_at, next_attempt_at)
VALUES ($1, 1, now(), CASE
  WHEN 1 < $2::integer THEN '-infinity'::timestamptz
  WHEN $5::boolean THEN now() + make_interval(secs => $3::float8)
  ELSE now() + make_interval(secs => least($4::float8, $6::float8)) END)
ON CONFLICT (key) DO UPDATE SET
  failures = (CASE WHEN t.window_started_at <= now() - make_interval(secs => $3::float8) THEN 1 ELSE t.failures + 1 END),
  window_started_at = (CASE WHEN t.window_started_at <= now() - make_interval(secs => $3::float8) THEN now() ELSE t.window_started_at END),
  next_attempt_at = CASE
    WHEN (CASE WHEN t.window_started_at <= now() - make_interval(secs => $3::float8) THEN 1 ELSE t.failures + 1 END) < $2::integer THEN '-infinity'::timestamptz
    WHEN $5::boolean THEN (CASE WHEN t.window_started_at <= now() - make_interval(secs => $3::float8) THEN now() ELSE t.window_started_at END) + make_interval(secs => $3::float8)
    ELSE now() + make_interval(secs => least($4::float8, $6::float8 * power(2::float8, least((CASE WHEN t.window_started_at <= now() - make_interval(secs => $3::float8) THEN 1 ELSE t.failures + 1 END) - $2::integer, 40)))) END
WHERE t.next_attempt_at <= now() OR t.window_started_at <= now() - make_interval(secs => $3::float8)
RETURNING failures)sql";

constexpr const char* kRetryAfter = R"sql(
SELECT greatest(1, ceil(extract(epoch FROM (next_attempt_at - now()))))::bigint
FROM auth.login_throttle WHERE key = $1)sql";

constexpr const char* kReset = R"sql(
DELETE FROM auth.login_throttle WHERE key = ANY($1::text[]))sql";

// A counter given back below its allowance ($2, per key) has no wait any more: the wait was only
// owed to the attempt given back.
constexpr const char* kGiveBack = R"sql(
UPDATE auth.login_throttle AS t SET
  failures = greatest(t.failures - 1, 0),
  next_attempt_at = CASE WHEN greatest(t.failures - 1, 0) < g.allowance THEN '-infinity'::timestamptz
                         ELSE t.next_attempt_at END
FROM unnest($1::text[], $2::integer[]) AS g (key, allowance)
WHERE t.key = g.key)sql";

constexpr const char* kPurge = R"sql(
DELETE FROM auth.login_throttle
WHERE window_started_at <= now() - make_interval(secs => $1::float8) AND next_attempt_at <= now())sql";

}  // namespace

asio::awaitable<ThrottleVerdict> ThrottleRepository::record_attempt(const std::vector<ThrottleRule>& rules) {
  auto tx = co_await db_.begin();
  for (const auto& rule : rules) {
    db::Params values =
        db::params(rule.key, rule.allowance, rule.window.count(), rule.max_delay.count(), rule.until_window_ends,
                   rule.first_delay.count());
    auto counted = co_await tx.execute(kCountAttempt, values);
    if (counted.empty()) {
      db::Params key = db::params(rule.key);
      auto wait = co_await tx.execute(kRetryAfter, key);
      ThrottleVerdict refused;
      refused.allowed = false;
      refused.refused_key = rule.key;
      refused.retry_after = std::chrono::seconds(wait.empty() ? 1 : wait.front().get<std::int64_t>(0));
      co_await tx.rollback();
      co_return refused;
    }
  }
  co_await tx.commit();
  co_return ThrottleVerdict{};
}

asio::awaitable<void> ThrottleRepository::reset(const std::vector<std::string>& keys) {
  db::Params values = db::params(keys);
  co_await db_.execute(kReset, values);
}

asio::awaitable<void> ThrottleRepository::give_back(const std::vector<ThrottleRule>& rules) {
  std::vector<std::string> keys;
  std::vector<std::string> allowances;
  for (const auto& rule : rules) {
    keys.push_back(rule.key);
    allowances.push_back(std::to_string(rule.allowance));
  }
  db::Params values = db::params(keys, allowances);
  co_await db_.execute(kGiveBack, values);
}

asio::awaitable<std::int64_t> ThrottleRepository::purge(std::chrono::seconds longest_window) {
  db::Params values = db::params(longest_window.count());
  auto result = co_await db_.execute(kPurge, values);
  co_return result.affected_rows();
}

}  // namespace nelo::auth
