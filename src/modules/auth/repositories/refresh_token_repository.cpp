#include "modules/auth/repositories/refresh_token_repository.hpp"

#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

constexpr const char* kInsertFamily = R"sql(
INSERT INTO auth.refresh_token_families (id, user_id, expires_at)
VALUES ($1, $2, now() + make_interval(secs => least($3::float8, $4::float8))))sql";

// A token never outlives its family's absolute lifetime ($6 from the login).
constexpr const char* kInsertToken = R"sql(
INSERT INTO auth.refresh_tokens (id, family_id, user_id, token_hash, expires_at)
SELECT $1, f.id, $3, $4,
       least(now() + make_interval(secs => $5::float8), f.created_at + make_interval(secs => $6::float8))
FROM auth.refresh_token_families f
WHERE f.id = $2)sql";

constexpr const char* kConsumeToken = R"sql(
UPDATE auth.refresh_tokens SET used_at = now()
WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
RETURNING id, family_id, user_id)sql";

// A family past its absolute lifetime ($3 from the login) is not renewed, however recently used.
constexpr const char* kTouchLiveFamily = R"sql(
UPDATE auth.refresh_token_families
SET last_used_at = now(),
    expires_at = least(now() + make_interval(secs => $2::float8), created_at + make_interval(secs => $3::float8))
WHERE id = $1 AND revoked_at IS NULL AND created_at + make_interval(secs => $3::float8) > now()
RETURNING id)sql";

// Live sessions of the user beyond the newest $2 (the one just started counts).
constexpr const char* kRevokeBeyondNewest = R"sql(
UPDATE auth.refresh_token_families SET revoked_at = now(), revoked_reason = $3
WHERE id IN (
  SELECT id FROM auth.refresh_token_families
  WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
  ORDER BY created_at DESC, id DESC
  OFFSET $2)
RETURNING id)sql";

constexpr const char* kFindTokenByHash = R"sql(
SELECT t.id, t.family_id, t.user_id, t.issued_at, t.expires_at, t.used_at, f.revoked_at
FROM auth.refresh_tokens t
JOIN auth.refresh_token_families f ON f.id = t.family_id
WHERE t.token_hash = $1)sql";

constexpr const char* kRevokeFamily = R"sql(
UPDATE auth.refresh_token_families SET revoked_at = now(), revoked_reason = $2
WHERE id = $1 AND revoked_at IS NULL
RETURNING id)sql";

constexpr const char* kRevokeFamilyOfUser = R"sql(
UPDATE auth.refresh_token_families SET revoked_at = now(), revoked_reason = $3
WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
RETURNING id)sql";

constexpr const char* kRevokeUserFamilies = R"sql(
UPDATE auth.refresh_token_families SET revoked_at = now(), revoked_reason = $2
WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
RETURNING id)sql";

constexpr const char* kRecentlyRevoked = R"sql(
SELECT id
FROM auth.refresh_token_families
WHERE revoked_at > now() - make_interval(secs => $1))sql";

// A day of grace after expiry so that a clock difference never turns "expired" into "unknown".
constexpr const char* kPurgeTokens = R"sql(
DELETE FROM auth.refresh_tokens
WHERE id IN (SELECT id FROM auth.refresh_tokens WHERE expires_at < now() - interval '1 day' LIMIT $1))sql";

constexpr const char* kPurgeFamilies = R"sql(
DELETE FROM auth.refresh_token_families
WHERE id IN (SELECT id FROM auth.refresh_token_families WHERE expires_at < now() - interval '1 day' LIMIT $1))sql";

std::vector<std::string> ids(const db::Result& result) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) out.push_back(row.get<std::string>(0));
  return out;
}

}  // namespace

asio::awaitable<void> RefreshTokenRepository::insert_family(db::Transaction& tx, const std::string& family_id,
                                                            const std::string& user_id, std::chrono::seconds ttl,
                                                            std::chrono::seconds max_age) {
  db::Params values = db::params(family_id, user_id, ttl.count(), max_age.count());
  co_await tx.execute(kInsertFamily, values);
}

asio::awaitable<void> RefreshTokenRepository::insert_token(db::Transaction& tx, const std::string& id,
                                                           const std::string& family_id, const std::string& user_id,
                                                           const std::string& token_hash, std::chrono::seconds ttl,
                                                           std::chrono::seconds max_age) {
  db::Params values = db::params(id, family_id, user_id, token_hash, ttl.count(), max_age.count());
  co_await tx.execute(kInsertToken, values);
}

asio::awaitable<std::optional<ConsumedToken>> RefreshTokenRepository::consume(db::Transaction& tx,
                                                                              const std::string& token_hash) {
  db::Params values = db::params(token_hash);
  auto result = co_await tx.execute(kConsumeToken, values);
  if (result.empty()) co_return std::nullopt;
  auto row = result.front();
  ConsumedToken token;
  token.id = row.get<std::string>("id");
  token.family_id = row.get<std::string>("family_id");
  token.user_id = row.get<std::string>("user_id");
  co_return token;
}

asio::awaitable<bool> RefreshTokenRepository::touch_live_family(db::Transaction& tx, const std::string& family_id,
                                                                std::chrono::seconds ttl, std::chrono::seconds max_age) {
  db::Params values = db::params(family_id, ttl.count(), max_age.count());
  auto result = co_await tx.execute(kTouchLiveFamily, values);
  co_return !result.empty();
}

asio::awaitable<std::optional<RefreshTokenRecord>> RefreshTokenRepository::find_by_hash(db::Transaction& tx,
                                                                                        const std::string& token_hash) {
  db::Params values = db::params(token_hash);
  auto result = co_await tx.execute(kFindTokenByHash, values);
  if (result.empty()) co_return std::nullopt;
  auto row = result.front();
  RefreshTokenRecord record;
  record.id = row.get<std::string>("id");
  record.family_id = row.get<std::string>("family_id");
  record.user_id = row.get<std::string>("user_id");
  record.issued_at = row.get<Timestamp>("issued_at");
  record.expires_at = row.get<Timestamp>("expires_at");
  record.used_at = row.get<std::optional<Timestamp>>("used_at");
  record.revoked_at = row.get<std::optional<Timestamp>>("revoked_at");
  co_return record;
}

asio::awaitable<std::vector<std::string>> RefreshTokenRepository::revoke_family(db::Transaction& tx,
                                                                                const std::string& family_id,
                                                                                RevokeReason reason) {
  db::Params values = db::params(family_id, to_string(reason));
  auto result = co_await tx.execute(kRevokeFamily, values);
  co_return ids(result);
}

asio::awaitable<std::vector<std::string>> RefreshTokenRepository::revoke_family_of_user(db::Transaction& tx,
                                                                                        const std::string& family_id,
                                                                                        const std::string& user_id,
                                                                                        RevokeReason reason) {
  db::Params values = db::params(family_id, user_id, to_string(reason));
  auto result = co_await tx.execute(kRevokeFamilyOfUser, values);
  co_return ids(result);
}

asio::awaitable<std::vector<std::string>> RefreshTokenRepository::revoke_user_families(
    db::Transaction& tx, const std::string& user_id, RevokeReason reason,
    const std::optional<std::string>& keep_family_id) {
  db::Params values = db::params(user_id, to_string(reason), keep_family_id);
  auto result = co_await tx.execute(kRevokeUserFamilies, values);
  co_return ids(result);
}

asio::awaitable<std::vector<std::string>> RefreshTokenRepository::revoke_beyond_newest(db::Transaction& tx,
                                                                                       const std::string& user_id,
                                                                                       std::int64_t keep) {
  db::Params values = db::params(user_id, keep, to_string(RevokeReason::SessionLimit));
  auto result = co_await tx.execute(kRevokeBeyondNewest, values);
  co_return ids(result);
}

asio::awaitable<std::vector<std::string>> RefreshTokenRepository::recently_revoked(std::chrono::seconds window) {
  db::Params values = db::params(window.count());
  auto result = co_await db_.execute(kRecentlyRevoked, values);
  co_return ids(result);
}

asio::awaitable<std::int64_t> RefreshTokenRepository::purge_expired(std::int64_t batch) {
  db::Params values = db::params(batch);
  auto tokens = co_await db_.execute(kPurgeTokens, values);
  auto families = co_await db_.execute(kPurgeFamilies, values);
  co_return tokens.affected_rows() + families.affected_rows();
}

}  // namespace nelo::auth
