#include "modules/auth/services/key_ring.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/security/tokens.hpp"
#include "core/uuid.hpp"

namespace nelo::auth {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kMissingKey =
    "NELO_JWT_KEY_ENCRYPTION_KEY must be set: 64 hex chars; generate with `openssl rand -hex 32`";

std::unique_ptr<security::SecretBox> make_box(const std::string& hex_key) {
  if (hex_key.empty()) return nullptr;
  try {
    return std::make_unique<security::SecretBox>(hex_key);
  } catch (const std::invalid_argument&) {
    return nullptr;  // reported as missing when the keys are first needed
  }
}

security::JwtVerifierOptions verifier_options(const AuthSettings& settings) {
  security::JwtVerifierOptions options;
  options.issuer = settings.issuer;
  options.audience = settings.audience;
  options.leeway = settings.leeway;
  return options;
}

}  // namespace

KeyRing::KeyRing(SigningKeyRepository& repository, const AuthSettings& settings, const Clock& clock)
    : repository_(repository),
      settings_(settings),
      clock_(clock),
      box_(make_box(settings.key_encryption_key)),
      verifier_(verifier_options(settings)) {}

KeyRing::~KeyRing() {
  for (auto& key : keys_) security::wipe(key.private_pem);
}

const security::SecretBox& KeyRing::box() const {
  if (!box_) throw KeyRingError(kMissingKey);
  return *box_;
}

asio::awaitable<void> KeyRing::initialize() {
  box();  // fail before touching the database
  auto keys = co_await repository_.usable();
  if (keys.empty()) {
    auto tx = co_await repository_.begin();
    co_await repository_.lock(tx);
    // Another instance may have generated it while we waited for the lock.
    keys = co_await repository_.usable(tx);
    if (keys.empty()) {
      std::chrono::seconds immediately{0};
      auto created = co_await create_key(tx, immediately);
      keys.push_back(created);
      spdlog::info("auth: generated the first signing key {}", created.kid);
    }
    co_await tx.commit();
  }
  install(keys);
}

asio::awaitable<void> KeyRing::reload() {
  auto keys = co_await repository_.usable();
  install(keys);
}

asio::awaitable<std::string> KeyRing::rotate() {
  box();
  auto tx = co_await repository_.begin();
  co_await repository_.lock(tx);
  auto existing = co_await repository_.usable(tx);
  // With no key at all there is nothing to overlap with: the new one signs at once.
  std::chrono::seconds delay = existing.empty() ? std::chrono::seconds(0) : settings_.key_activation_delay;
  auto created = co_await create_key(tx, delay);
  std::chrono::seconds retire_after = delay + settings_.rotation_overlap();
  co_await repository_.retire_others(tx, created.kid, retire_after);
  co_await tx.commit();
  spdlog::info("auth: rotated signing keys: {} signs from {}, the others retire within {} s", created.kid,
               to_rfc3339(created.activated_at), retire_after.count());
  auto keys = co_await repository_.usable();
  install(keys);
  co_return created.kid;
}

asio::awaitable<KeyRing::Revocation> KeyRing::revoke(std::string kid) {
  box();
  auto tx = co_await repository_.begin();
  co_await repository_.lock(tx);
  if (!co_await repository_.exists(tx, kid)) throw KeyRingError("no signing key " + kid);
  Revocation revocation;
  revocation.revoked_now = co_await repository_.revoke(tx, kid);
  auto remaining = co_await repository_.usable(tx);
  const auto now = clock_.now();
  const bool can_sign = std::any_of(remaining.begin(), remaining.end(), [&](const SigningKeyRecord& key) {
    return key.activated_at <= now && (!key.retired_at || *key.retired_at > now);
  });
  if (!can_sign) {
    std::chrono::seconds immediately{0};
    auto created = co_await create_key(tx, immediately);
    revocation.replacement = created.kid;
  }
  co_await tx.commit();
  spdlog::warn("auth: signing key {} revoked{}", kid,
               revocation.replacement ? "; " + *revocation.replacement + " signs from now" : std::string());
  auto keys = co_await repository_.usable();
  install(keys);
  co_return revocation;
}

asio::awaitable<SigningKeyRecord> KeyRing::create_key(db::Transaction& tx, std::chrono::seconds activation_delay) {
  auto pair = security::generate_es256_key_pair();
  std::string sealed = box().seal(pair.private_pem);
  security::wipe(pair.private_pem);
  std::string kid = new_uuid_v7();
  co_return co_await repository_.insert(tx, kid, pair.public_pem, sealed, activation_delay);
}

void KeyRing::install(const std::vector<SigningKeyRecord>& records) {
  std::vector<LoadedKey> loaded;
  security::JwtVerifier::PublicKeys public_keys;
  try {
    for (const auto& record : records) {
      LoadedKey key;
      key.kid = record.kid;
      key.public_pem = record.public_pem;
      try {
        key.private_pem = box().open(record.private_key_sealed);
      } catch (const security::SecretBoxError&) {
        throw KeyRingError("cannot decrypt signing key " + record.kid +
                           ": NELO_JWT_KEY_ENCRYPTION_KEY is not the key it was sealed with");
      }
      key.jwk = security::public_jwk(record.kid, record.public_pem);
      key.activated_at = record.activated_at;
      key.retired_at = record.retired_at;
      public_keys.emplace(key.kid, key.public_pem);
      loaded.push_back(std::move(key));
    }
    verifier_.set_keys(public_keys);
  } catch (...) {
    for (auto& key : loaded) security::wipe(key.private_pem);
    throw;
  }
  std::lock_guard lock(mutex_);
  keys_.swap(loaded);
  for (auto& key : loaded) security::wipe(key.private_pem);  // the previous set
}

std::string KeyRing::sign(const security::JwtClaims& claims) const {
  std::string kid;
  std::string pem;
  {
    std::lock_guard lock(mutex_);
    auto now = clock_.now();
    const LoadedKey* best = nullptr;
    for (const auto& key : keys_) {
      bool active = key.activated_at <= now && (!key.retired_at || *key.retired_at > now);
      if (active && (!best || key.activated_at > best->activated_at)) best = &key;
    }
    if (!best) throw KeyRingError("no active signing key (was the auth module started?)");
    kid = best->kid;
    pem = best->private_pem;
  }
  auto token = signer_.sign(kid, pem, claims);
  security::wipe(pem);
  return token;
}

json::array KeyRing::jwks() const {
  std::lock_guard lock(mutex_);
  auto now = clock_.now();
  json::array keys;
  for (const auto& key : keys_) {
    if (key.retired_at && *key.retired_at <= now) continue;
    keys.push_back(key.jwk);
  }
  return keys;
}

std::vector<std::string> KeyRing::key_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& key : keys_) ids.push_back(key.kid);
  return ids;
}

}  // namespace nelo::auth
