#pragma once
// ES256 JSON Web Tokens: key generation, JWKS publication, signing and verification of access
// tokens. OpenSSL stays inside jwt.cpp; keys travel as PEM text.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/security/principal.hpp"
#include "core/security/token_verifier.hpp"
#include "core/time.hpp"

namespace nelo::security {

// A key or token could not be produced (bad PEM, wrong key type, library failure). Never used
// for verification failures, which are nelo::Unauthorized.
class JwtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The "token_use" claim of access tokens. Every other kind of token this platform signs must
// carry another value, so it can never be accepted where an access token is expected.
inline constexpr std::string_view kAccessTokenUse = "access";

struct EcKeyPair {
  std::string private_pem;  // PKCS#8 "-----BEGIN PRIVATE KEY-----"
  std::string public_pem;   // SubjectPublicKeyInfo "-----BEGIN PUBLIC KEY-----"
};

// A fresh P-256 key pair from OpenSSL's CSPRNG.
EcKeyPair generate_es256_key_pair();

// RFC 7517/7518 public JWK for a P-256 public key:
// {kty:"EC", crv:"P-256", x, y (base64url of the 32-byte big-endian coordinates), use:"sig",
//  alg:"ES256", kid}. Throws JwtError if the PEM is not a P-256 public key.
boost::json::object public_jwk(std::string_view kid, std::string_view public_pem);
// The inverse, for a service that verifies tokens from a fetched JWKS: a P-256 JWK (x, y) back
// to a public PEM. Throws JwtError on anything else or on a point that is not on the curve.
std::string public_pem_from_jwk(const boost::json::object& jwk);

struct JwtClaims {
  std::string issuer;               // iss
  std::string audience;             // aud
  std::string subject;              // sub: the user's UUID
  std::vector<std::string> roles;   // roles
  Timestamp issued_at;              // iat (whole seconds)
  Timestamp expires_at;             // exp (whole seconds)
  std::string token_id;             // jti
  std::string token_use{kAccessTokenUse};  // token_use
  std::string session_id{};         // sid: the login session (refresh-token family); omitted when empty
};

// Signs with OpenSSL directly rather than libjwt: libjwt takes a PEM per call, and parsing a
// PEM private key costs ~0.4 ms of CPU in OpenSSL 3 (its decoder framework), 20x the signature.
// Parsed keys are cached per kid (and re-read when that kid's PEM changes). Thread-safe.
class JwtSigner {
 public:
  JwtSigner();
  ~JwtSigner();
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

  // Compact JWS with header {alg:"ES256", typ:"JWT", kid} and the claims as JSON. The
  // signature is the JOSE form (raw r||s, 64 bytes). Throws std::invalid_argument on empty
  // kid/iss/aud/sub/jti/token_use or exp <= iat, and JwtError when the key is not an
  // unencrypted P-256 private key.
  std::string sign(std::string_view kid, std::string_view private_pem, const JwtClaims& claims) const;

 private:
  struct KeyCache;
  std::unique_ptr<KeyCache> cache_;
};

struct JwtVerifierOptions {
  std::string issuer;
  std::string audience;
  // Tolerated clock difference between the signer and this process, for exp, iat and nbf.
  std::chrono::seconds leeway{30};
  // Tokens longer than this are refused before any decoding.
  std::size_t max_token_size = 8 * 1024;
  // Verified tokens remembered per key set (VerifiedTokenCache); 0 verifies every time.
  std::size_t cache_capacity = 50'000;
};

// Verifies access tokens for the HTTP layer. Thread-safe: verify() may run on every I/O thread
// while set_keys() swaps the key set (rotation) from another. Not built on libjwt's jwt_decode:
// that lets the token's header choose the algorithm (HS256 keyed with our public PEM verifies)
// and parses the PEM on every call; here keys are parsed once per set_keys() and the signature
// is checked with OpenSSL (~70 us of CPU per token on this machine, ~63 of them the ECDSA).
class JwtVerifier final : public AccessTokenVerifier {
 public:
  using PublicKeys = std::map<std::string, std::string, std::less<>>;  // kid -> public PEM

  // Throws std::invalid_argument on an empty issuer or audience, and JwtError on a bad key.
  JwtVerifier(JwtVerifierOptions options, const PublicKeys& keys = {},
              std::shared_ptr<const Clock> clock = std::make_shared<SystemClock>());
  ~JwtVerifier() override;
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Replaces the whole key set atomically: tokens signed by a kid absent from `keys` stop
  // verifying at once. Every PEM is parsed and checked first (all or nothing): throws JwtError
  // on one that is not a P-256 public key, leaving the current set in place.
  void set_keys(const PublicKeys& keys);
  std::vector<std::string> key_ids() const;

  // Pins alg to ES256 from the header before anything else, requires a kid of the current
  // set, checks the signature, then iss, aud, exp, iat, nbf, sub (UUID), token_use ("access"),
  // roles (array of strings), jti, and sid when present (a non-empty string). Throws Unauthorized("invalid token") or
  // Unauthorized("token expired"); the detail never contains the token. A token verified
  // before under the same key set is answered from the cache, its expiry checked again.
  Principal verify(std::string_view token) const override;

 private:
  struct KeySet;  // kid -> parsed OpenSSL key, immutable once published, and its token cache

  // The full check; sets `expires_at` to the token's exp.
  Principal verify_uncached(std::string_view token, const KeySet& keys, std::int64_t& expires_at) const;

  std::shared_ptr<const KeySet> current_keys() const;

  JwtVerifierOptions options_;
  std::shared_ptr<const Clock> clock_;
  // A mutex held only to copy or replace the pointer (nanoseconds against a ~70 us verify);
  // libstdc++ 12's std::atomic<std::shared_ptr> trips ThreadSanitizer, this does not.
  mutable std::mutex keys_mutex_;
  std::shared_ptr<const KeySet> keys_;
};

}  // namespace nelo::security
