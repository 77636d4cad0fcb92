#include "modules/auth/repositories/signing_key_repository.hpp"

#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

// Conflicts with itself, not with plain reads: two instances starting on an empty table, or two
// rotations, run one after the other.
constexpr const char* kLockKeys = "LOCK TABLE auth.signing_keys IN SHARE ROW EXCLUSIVE MODE";

constexpr const char* kUsableKeys = R"sql(
SELECT kid, public_pem, private_key_sealed, created_at, activated_at, retired_at
FROM auth.signing_keys
WHERE revoked_at IS NULL AND (retired_at IS NULL OR retired_at > now())
ORDER BY activated_at, kid)sql";

constexpr const char* kKeyExists = R"sql(
SELECT EXISTS (SELECT 1 FROM auth.signing_keys WHERE kid = $1))sql";

constexpr const char* kRevokeKey = R"sql(
UPDATE auth.signing_keys SET revoked_at = now()
WHERE kid = $1 AND revoked_at IS NULL
RETURNING kid)sql";

constexpr const char* kInsertKey = R"sql(
INSERT INTO auth.signing_keys (kid, public_pem, private_key_sealed, activated_at)
VALUES ($1, $2, $3, now() + make_interval(secs => $4))
RETURNING kid, public_pem, private_key_sealed, created_at, activated_at, retired_at)sql";

constexpr const char* kRetireOthers = R"sql(
UPDATE auth.signing_keys SET retired_at = now() + make_interval(secs => $2)
WHERE kid <> $1 AND (retired_at IS NULL OR retired_at > now() + make_interval(secs => $2)))sql";

SigningKeyRecord read_key(const db::Row& row) {
  SigningKeyRecord key;
  key.kid = row.get<std::string>("kid");
  key.public_pem = row.get<std::string>("public_pem");
  key.private_key_sealed = row.get<std::string>("private_key_sealed");
  key.created_at = row.get<Timestamp>("created_at");
  key.activated_at = row.get<Timestamp>("activated_at");
  key.retired_at = row.get<std::optional<Timestamp>>("retired_at");
  return key;
}

std::vector<SigningKeyRecord> read_keys(const db::Result& result) {
  std::vector<SigningKeyRecord> keys;
  for (auto row : result) keys.push_back(read_key(row));
  return keys;
}

}  // namespace

asio::awaitable<db::Transaction> SigningKeyRepository::begin() { co_return co_await db_.begin(); }

asio::awaitable<void> SigningKeyRepository::lock(db::Transaction& tx) { co_await tx.execute(kLockKeys); }

asio::awaitable<std::vector<SigningKeyRecord>> SigningKeyRepository::usable(db::Transaction& tx) {
  auto result = co_await tx.execute(kUsableKeys);
  co_return read_keys(result);
}

asio::awaitable<std::vector<SigningKeyRecord>> SigningKeyRepository::usable() {
  auto result = co_await db_.execute(kUsableKeys);
  co_return read_keys(result);
}

asio::awaitable<SigningKeyRecord> SigningKeyRepository::insert(db::Transaction& tx, const std::string& kid,
                                                               const std::string& public_pem,
                                                               const std::string& private_key_sealed,
                                                               std::chrono::seconds activation_delay) {
  db::Params values = db::params(kid, public_pem, private_key_sealed, activation_delay.count());
  auto result = co_await tx.execute(kInsertKey, values);
  co_return read_key(result.front());
}

asio::awaitable<bool> SigningKeyRepository::exists(db::Transaction& tx, const std::string& kid) {
  db::Params values = db::params(kid);
  auto result = co_await tx.execute(kKeyExists, values);
  co_return result.front().get<bool>(0);
}

asio::awaitable<bool> SigningKeyRepository::revoke(db::Transaction& tx, const std::string& kid) {
  db::Params values = db::params(kid);
  auto result = co_await tx.execute(kRevokeKey, values);
  co_return !result.empty();
}

asio::awaitable<void> SigningKeyRepository::retire_others(db::Transaction& tx, const std::string& kid,
                                                          std::chrono::seconds retire_after) {
  db::Params values = db::params(kid, retire_after.count());
  co_await tx.execute(kRetireOthers, values);
}

}  // namespace nelo::auth
