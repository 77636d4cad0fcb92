#include "modules/auth/repositories/throttle_repository.hpp"

#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

// One row per key, counted atomically (ON CONFLICT takes the row lock), so concurrent attempts
// are all counted: no more than the limit of them can get past the check in a window. Time is
// the database's, shared by every instance.
constexpr const char* kRecordAttempt = R"sql(
INSERT INTO auth.login_throttle AS t (key, failures, window_started_at)
SELECT k, 1, now() FROM unnest($1::text[]) AS k
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
  window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2) THEN now()
                           ELSE t.window_started_at END
RETURNING key, failures,
  greatest(1, ceil(extract(epoch FROM (window_started_at + make_interval(secs => $2) - now()))))::bigint
    AS retry_after_seconds)sql";

constexpr const char* kForgiveAccount = R"sql(
DELETE FROM auth.login_throttle WHERE key = $1)sql";

constexpr const char* kForgiveAddress = R"sql(
UPDATE auth.login_throttle SET failures = greatest(failures - 1, 0) WHERE key = $1)sql";

constexpr const char* kPurge = R"sql(
DELETE FROM auth.login_throttle
WHERE window_started_at <= now() - make_interval(secs => $1))sql";

}  // namespace

asio::awaitable<std::vector<ThrottleCount>> ThrottleRepository::record_attempt(const std::vector<std::string>& keys,
                                                                               std::chrono::seconds window) {
  db::Params values = db::params(keys, window.count());
  auto result = co_await db_.execute(kRecordAttempt, values);
  std::vector<ThrottleCount> counts;
  for (auto row : result) {
    ThrottleCount count;
    count.key = row.get<std::string>("key");
    count.failures = row.get<std::int64_t>("failures");
    count.retry_after = std::chrono::seconds(row.get<std::int64_t>("retry_after_seconds"));
    counts.push_back(std::move(count));
  }
  co_return counts;
}

asio::awaitable<void> ThrottleRepository::forgive(const std::string& account_key, const std::string& address_key) {
  auto tx = co_await db_.begin();
  db::Params account = db::params(account_key);
  co_await tx.execute(kForgiveAccount, account);
  db::Params address = db::params(address_key);
  co_await tx.execute(kForgiveAddress, address);
  co_await tx.commit();
}

asio::awaitable<std::int64_t> ThrottleRepository::purge(std::chrono::seconds window) {
  db::Params values = db::params(window.count());
  auto result = co_await db_.execute(kPurge, values);
  co_return result.affected_rows();
}

}  // namespace nelo::auth
