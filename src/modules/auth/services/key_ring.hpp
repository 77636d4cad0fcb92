#pragma once
// The ES256 keys that sign access tokens: generated on first start, sealed at rest with the
// key-encryption key, rotated with an overlap, reloaded periodically so that what another instance
// generated or rotated reaches this one. Signs access tokens and publishes the JWKS.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/security/jwt.hpp"
#include "core/security/secret_box.hpp"
#include "core/time.hpp"
#include "modules/auth/repositories/signing_key_repository.hpp"
#include "modules/auth/services/auth_settings.hpp"

namespace nelo::auth {

// Thrown by start-up and rotation when keys cannot be used: no or wrong key-encryption key.
class KeyRingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class KeyRing {
 public:
  KeyRing(SigningKeyRepository& repository, const AuthSettings& settings, const Clock& clock);
  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // Start-up: generates the first key when there is none usable (one instance does it, the
  // others wait for it and load it), then loads the set. Throws KeyRingError without a usable
  // key-encryption key.
  boost::asio::awaitable<void> initialize();
  // Reloads the usable keys (periodic). Keeps the current set on failure, and rethrows.
  boost::asio::awaitable<void> reload();
  // A new key that signs after the activation delay; the others retire after it plus the
  // access-token lifetime and leeway. Returns the new kid.
  boost::asio::awaitable<std::string> rotate();

  // `nelo auth revoke-key`: the key stops verifying (tokens it signed are refused by every
  // instance from its next reload, within NELO_AUTH_KEY_REFRESH_SECONDS) and signing. When no
  // other key can sign now, a new one is made that signs at once. Throws KeyRingError for an
  // unknown kid.
  struct Revocation {
    bool revoked_now = false;             // false: it was revoked already
    std::optional<std::string> replacement;  // the kid of the key made to sign instead
  };
  boost::asio::awaitable<Revocation> revoke(std::string kid);

  // Signs with the most recently activated key. Throws KeyRingError when none is active (the
  // module was not started).
  std::string sign(const security::JwtClaims& claims) const;
  // Public JWKs of every key that still verifies, pending ones included.
  boost::json::array jwks() const;
  const security::JwtVerifier& verifier() const { return verifier_; }
  std::vector<std::string> key_ids() const;

 private:
  struct LoadedKey {
    std::string kid;
    std::string public_pem;
    std::string private_pem;  // opened; wiped when the key leaves the set
    boost::json::object jwk;
    Timestamp activated_at;
    std::optional<Timestamp> retired_at;
  };

  const security::SecretBox& box() const;
  // Generates, seals and stores a key within `tx` (which holds the table lock).
  boost::asio::awaitable<SigningKeyRecord> create_key(db::Transaction& tx, std::chrono::seconds activation_delay);
  // Opens the private keys and publishes the set to the signer and the verifier (all or nothing).
  void install(const std::vector<SigningKeyRecord>& records);

  SigningKeyRepository& repository_;
  const AuthSettings& settings_;
  const Clock& clock_;
  std::unique_ptr<security::SecretBox> box_;  // null without a key-encryption key
  security::JwtSigner signer_;
  security::JwtVerifier verifier_;
  mutable std::mutex mutex_;
  std::vector<LoadedKey> keys_;
};

}  // namespace nelo::auth
