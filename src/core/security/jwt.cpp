#include "core/security/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/security/tokens.hpp"
#include "core/security/verified_token_cache.hpp"
#include "core/uuid.hpp"

namespace nelo::security {

namespace json = boost::json;

namespace {

constexpr std::size_t kCoordinateBytes = 32;  // P-256 field elements
constexpr std::size_t kSignatureBytes = 2 * kCoordinateBytes;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// OpenSSL keeps errors in a per-thread queue: drain it so one failure is not reported later as
// the cause of another, and so the queue does not grow on threads that reject many tokens.
std::string take_openssl_error() {
  unsigned long code = ERR_get_error();
  std::string text = "unknown error";
  if (code != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text = buffer.data();
  }
  ERR_clear_error();
  return text;
}

// Never prompt on a terminal for a passphrase (OpenSSL's default for encrypted PEM).
int no_passphrase(char*, int, int, void*) { return -1; }

BioPtr memory_bio(std::string_view data) {
  if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) throw JwtError("PEM too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw JwtError("OpenSSL: " + take_openssl_error());
  return bio;
}

bool is_p256(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") != 1) return false;
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(), &length) != 1) {
    ERR_clear_error();
    return false;  // explicit curve parameters, or no curve at all
  }
  std::string_view group(name.data(), length);
  return group == "prime256v1" || group == "P-256";
}

PkeyPtr read_public_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) throw JwtError("not a PEM public key: " + take_openssl_error());
  if (!is_p256(key.get())) throw JwtError("not a P-256 (ES256) public key");
  return key;
}

PkeyPtr read_private_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) throw JwtError("not an unencrypted PEM private key: " + take_openssl_error());
  if (!is_p256(key.get())) throw JwtError("not a P-256 (ES256) private key");
  return key;
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) throw JwtError("OpenSSL: empty PEM output");
  return std::string(data, static_cast<std::size_t>(length));
}

std::string coordinate(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) throw JwtError("OpenSSL: " + take_openssl_error());
  BnPtr value(raw);
  std::string bytes(kCoordinateBytes, '\0');
  // Left-padded to the field size: RFC 7518 section 6.2.1.2 requires the full 32 bytes.
  if (BN_bn2binpad(value.get(), reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) !=
      static_cast<int>(kCoordinateBytes)) {
    throw JwtError("EC coordinate does not fit 32 bytes");
  }
  return bytes;
}

std::int64_t unix_seconds(Timestamp t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Verifies a JOSE ECDSA signature (raw r||s) with OpenSSL, which wants DER.
bool es256_verify(EVP_PKEY* key, std::string_view signing_input, std::string_view signature) {
  if (signature.size() != kSignatureBytes) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BnPtr r(BN_bin2bn(bytes, kCoordinateBytes, nullptr));
  BnPtr s(BN_bin2bn(bytes + kCoordinateBytes, kCoordinateBytes, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  r.release();  // owned by sig now
  s.release();
  // A P-256 DER signature is at most 72 bytes.
  std::array<unsigned char, 80> der{};
  if (i2d_ECDSA_SIG(sig.get(), nullptr) > static_cast<int>(der.size())) return false;
  unsigned char* out = der.data();
  int der_length = i2d_ECDSA_SIG(sig.get(), &out);
  if (der_length <= 0) {
    ERR_clear_error();
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), der.data(), static_cast<std::size_t>(der_length),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

// Signs with ECDSA P-256/SHA-256 and returns the JOSE form (RFC 7518 section 3.4): r and s as
// 32-byte big-endian integers, left-padded, concatenated. OpenSSL produces DER.
std::string es256_sign(EVP_PKEY* key, std::string_view signing_input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, 80> der{};
  std::size_t der_length = der.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), der.data(), &der_length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw JwtError("ES256 signing failed: " + take_openssl_error());
  }
  const unsigned char* in = der.data();
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_length)));
  if (!sig) throw JwtError("ES256 signing: unreadable DER signature: " + take_openssl_error());
  std::string raw(kSignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordinateBytes) != static_cast<int>(kCoordinateBytes) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordinateBytes, kCoordinateBytes) !=
          static_cast<int>(kCoordinateBytes)) {
    throw JwtError("ES256 signing: r or s does not fit 32 bytes");
  }
  return raw;
}

// Rejections are logged at debug level for operators (the client only learns "invalid token").
[[noreturn]] void reject(const char* reason, const char* detail = "invalid token") {
  spdlog::debug("access token rejected: {}", reason);
  throw Unauthorized(detail);
}

std::optional<json::object> decode_json_object(std::string_view part) {
  auto text = base64url_decode(part);
  if (!text) return std::nullopt;
  try {
    auto value = parse_json_strict(*text, 8);
    if (!value.is_object()) return std::nullopt;
    return std::move(value.as_object());
  } catch (const BadRequest&) {
    return std::nullopt;
  }
}

const json::string* string_member(const json::object& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->value().is_string()) return nullptr;
  return &it->value().get_string();
}

// RFC 7519 NumericDate: an integer or a fractional number of seconds since the epoch. Values
// beyond +-10^15 s (30 million years) are refused so that adding the leeway cannot overflow.
std::optional<std::int64_t> numeric_date(const json::object& object, std::string_view name) {
  constexpr double kLimit = 1e15;
  auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  const auto& v = it->value();
  double seconds = 0;
  if (v.is_int64()) {
    seconds = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    seconds = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    seconds = v.get_double();
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(seconds) || std::fabs(seconds) > kLimit) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(seconds));
}

}  // namespace

// ---- keys --------------------------------------------------------------------------------

EcKeyPair generate_es256_key_pair() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw JwtError("P-256 key generation failed: " + take_openssl_error());
  // Secure-heap BIO: the private key's PEM is wiped when the BIO is freed.
  BioPtr private_bio(BIO_new(BIO_s_secmem()));
  BioPtr public_bio(BIO_new(BIO_s_mem()));
  if (!private_bio || !public_bio ||
      PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(public_bio.get(), key.get()) != 1) {
    throw JwtError("PEM encoding failed: " + take_openssl_error());
  }
  return EcKeyPair{bio_to_string(private_bio.get()), bio_to_string(public_bio.get())};
}

json::object public_jwk(std::string_view kid, std::string_view public_pem) {
  if (kid.empty()) throw std::invalid_argument("public_jwk: empty kid");
  auto key = read_public_key(public_pem);
  json::object jwk;
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = base64url_encode(coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_X));
  jwk["y"] = base64url_encode(coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y));
  jwk["use"] = "sig";
  jwk["alg"] = "ES256";
  jwk["kid"] = kid;
  return jwk;
}

std::string public_pem_from_jwk(const json::object& jwk) {
  auto member = [&](std::string_view name) -> std::string_view {
    const auto* s = string_member(jwk, name);
    return s ? std::string_view(*s) : std::string_view();
  };
  if (member("kty") != "EC" || member("crv") != "P-256") throw JwtError("JWK is not an EC P-256 key");
  if (jwk.contains("alg") && member("alg") != "ES256") throw JwtError("JWK is not an ES256 key");
  if (jwk.contains("d")) throw JwtError("JWK contains a private key");
  auto x = base64url_decode(member("x"));
  auto y = base64url_decode(member("y"));
  if (!x || !y || x->size() != kCoordinateBytes || y->size() != kCoordinateBytes) {
    throw JwtError("JWK x and y must be 32-byte base64url values");
  }
  std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed point

  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    throw JwtError("OpenSSL: " + take_openssl_error());
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(builder.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    throw JwtError("JWK is not a valid P-256 point: " + take_openssl_error());
  }
  PkeyPtr key(raw);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    throw JwtError("JWK is not a valid P-256 point: " + take_openssl_error());
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) throw JwtError("OpenSSL: " + take_openssl_error());
  return bio_to_string(bio.get());
}

// ---- signing -----------------------------------------------------------------------------

struct JwtSigner::KeyCache {
  struct Entry {
    std::array<unsigned char, 32> pem_digest;  // to notice a kid whose PEM changed
    std::shared_ptr<EVP_PKEY> key;
  };
  // Rotation keeps a handful of kids alive at most; beyond this the cache starts over.
  static constexpr std::size_t kMaxEntries = 16;

  std::mutex mutex;
  std::map<std::string, Entry, std::less<>> entries;

  std::shared_ptr<EVP_PKEY> get(std::string_view kid, std::string_view pem) {
    auto digest = sha256_bytes(pem);
    {
      std::lock_guard lock(mutex);
      auto it = entries.find(kid);
      if (it != entries.end() && it->second.pem_digest == digest) return it->second.key;
    }
    // Parsed outside the lock: it is the slow part, and two threads racing here both succeed.
    std::shared_ptr<EVP_PKEY> key(read_private_key(pem).release(), PkeyFree{});
    // First use before sharing, so OpenSSL's lazy provider export happens on one thread.
    es256_sign(key.get(), "warm-up");
    std::lock_guard lock(mutex);
    if (entries.size() >= kMaxEntries) entries.clear();
    entries.insert_or_assign(std::string(kid), Entry{digest, key});
    return key;
  }
};

JwtSigner::JwtSigner() : cache_(std::make_unique<KeyCache>()) {}
JwtSigner::~JwtSigner() = default;

std::string JwtSigner::sign(std::string_view kid, std::string_view private_pem, const JwtClaims& claims) const {
  if (kid.empty() || claims.issuer.empty() || claims.audience.empty() || claims.subject.empty() ||
      claims.token_id.empty() || claims.token_use.empty()) {
    throw std::invalid_argument("JWT: kid, iss, aud, sub, jti and token_use are required");
  }
  auto iat = unix_seconds(claims.issued_at);
  auto exp = unix_seconds(claims.expires_at);
  if (exp <= iat) throw std::invalid_argument("JWT: exp must be after iat");
  auto key = cache_->get(kid, private_pem);

  json::object header;
  header["alg"] = "ES256";
  header["typ"] = "JWT";
  header["kid"] = kid;
  json::object payload;
  payload["iss"] = claims.issuer;
  payload["aud"] = claims.audience;
  payload["sub"] = claims.subject;
  json::array roles;
  for (const auto& role : claims.roles) roles.emplace_back(role);
  payload["roles"] = std::move(roles);
  payload["iat"] = iat;
  payload["exp"] = exp;
  payload["jti"] = claims.token_id;
  payload["token_use"] = claims.token_use;
  if (!claims.session_id.empty()) payload["sid"] = claims.session_id;

  std::string token = base64url_encode(json::serialize(header));
  token += '.';
  token += base64url_encode(json::serialize(payload));
  auto signature = es256_sign(key.get(), token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

// ---- verification ------------------------------------------------------------------------

struct JwtVerifier::KeySet {
  explicit KeySet(std::size_t cache_capacity) : cache(cache_capacity) {}
  std::map<std::string, PkeyPtr, std::less<>> keys;
  mutable VerifiedTokenCache cache;
};

JwtVerifier::JwtVerifier(JwtVerifierOptions options, const PublicKeys& keys, std::shared_ptr<const Clock> clock)
    : options_(std::move(options)), clock_(std::move(clock)) {
  if (options_.issuer.empty() || options_.audience.empty()) {
    throw std::invalid_argument("JwtVerifier: issuer and audience are required");
  }
  if (!clock_) throw std::invalid_argument("JwtVerifier: clock is required");
  set_keys(keys);
}

JwtVerifier::~JwtVerifier() = default;

void JwtVerifier::set_keys(const PublicKeys& keys) {
  auto set = std::make_shared<KeySet>(options_.cache_capacity);
  for (const auto& [kid, pem] : keys) {
    if (kid.empty()) throw JwtError("JWT key with an empty kid");
    auto key = read_public_key(pem);
    // One verification before publishing: OpenSSL 3 exports a key to its provider lazily on
    // first use; doing it here keeps that one-time mutation off the concurrent request path.
    es256_verify(key.get(), "warm-up", std::string(kSignatureBytes, '\x01'));
    set->keys.emplace(kid, std::move(key));
  }
  std::shared_ptr<const KeySet> published = std::move(set);
  std::lock_guard lock(keys_mutex_);
  keys_.swap(published);
  // The old set is released after the lock (its keys are freed when the last verify holding
  // it finishes).
}

std::shared_ptr<const JwtVerifier::KeySet> JwtVerifier::current_keys() const {
  std::lock_guard lock(keys_mutex_);
  return keys_;
}

std::vector<std::string> JwtVerifier::key_ids() const {
  auto set = current_keys();
  std::vector<std::string> ids;
  for (const auto& entry : set->keys) ids.push_back(entry.first);
  return ids;
}

Principal JwtVerifier::verify(std::string_view token) const {
  if (token.empty() || token.size() > options_.max_token_size) reject("empty or oversized");
  auto keys = current_keys();
  const auto digest = VerifiedTokenCache::digest(token);
  if (auto hit = keys->cache.find(digest)) {
    // Signature and claims were checked under this very key set; only time moves on.
    if (unix_seconds(clock_->now()) >= hit->expires_at + options_.leeway.count()) reject("expired", "token expired");
    return std::move(hit->principal);
  }
  std::int64_t expires_at = 0;
  Principal principal = verify_uncached(token, *keys, expires_at);
  VerifiedTokenCache::Entry entry{principal, expires_at};
  keys->cache.insert(digest, std::move(entry), unix_seconds(clock_->now()));
  return principal;
}

Principal JwtVerifier::verify_uncached(std::string_view token, const KeySet& keys, std::int64_t& expires_at) const {
  // Exactly three non-empty parts: a JWE (five parts) or an unsigned token ("x.y.") is not ours.
  auto first_dot = token.find('.');
  auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    reject("not three parts");
  }
  auto header_part = token.substr(0, first_dot);
  auto payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  auto signature_part = token.substr(second_dot + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty()) reject("empty part");

  // The header is read here, not by a library, so the algorithm is pinned before any key is
  // used: alg "none" and HS256-keyed-with-our-public-key never reach a verifier.
  auto header = decode_json_object(header_part);
  if (!header) reject("header is not a base64url JSON object");
  const auto* alg = string_member(*header, "alg");
  if (!alg || *alg != "ES256") reject("alg is not ES256");
  if (header->contains("crit")) reject("crit header");  // RFC 7515 4.1.11: unknown extensions must fail
  if (header->contains("typ")) {
    const auto* typ = string_member(*header, "typ");
    if (!typ || *typ != "JWT") reject("typ is not JWT");
  }
  // jku, x5u, jwk and the like are ignored on purpose: keys come only from our own set.
  const auto* kid = string_member(*header, "kid");
  if (!kid || kid->empty()) reject("missing kid");

  auto key = keys.keys.find(std::string_view(*kid));
  if (key == keys.keys.end()) reject("unknown kid");
  auto signature = base64url_decode(signature_part);
  if (!signature || signature->size() != kSignatureBytes) reject("signature is not 64 base64url bytes");
  if (!es256_verify(key->second.get(), token.substr(0, second_dot), *signature)) reject("bad signature");

  // Signed by us from here on; the claims are still checked, as a key may sign other kinds of
  // token and a token may be old.
  auto claims = decode_json_object(payload_part);
  if (!claims) reject("payload is not a base64url JSON object");

  const auto* iss = string_member(*claims, "iss");
  if (!iss || *iss != options_.issuer) reject("wrong iss");

  auto aud = claims->find("aud");
  bool audience_ok = false;
  if (aud != claims->end()) {
    if (aud->value().is_string()) {
      audience_ok = aud->value().get_string() == options_.audience;
    } else if (aud->value().is_array()) {
      for (const auto& entry : aud->value().get_array()) {
        if (!entry.is_string()) reject("aud array with a non-string");
        if (entry.get_string() == options_.audience) audience_ok = true;
      }
    }
  }
  if (!audience_ok) reject("wrong aud");

  const auto* use = string_member(*claims, "token_use");
  if (!use || *use != kAccessTokenUse) reject("not an access token");

  auto now = unix_seconds(clock_->now());
  auto leeway = options_.leeway.count();
  auto exp = numeric_date(*claims, "exp");
  auto iat = numeric_date(*claims, "iat");
  if (!exp || !iat) reject("exp or iat missing or not a NumericDate");
  if (claims->contains("nbf")) {
    auto nbf = numeric_date(*claims, "nbf");
    if (!nbf || *nbf > now + leeway) reject("nbf in the future");
  }
  if (*iat > now + leeway) reject("iat in the future");
  if (now >= *exp + leeway) reject("expired", "token expired");

  const auto* sub = string_member(*claims, "sub");
  if (!sub || !is_uuid(*sub)) reject("sub is not a UUID");
  const auto* jti = string_member(*claims, "jti");
  if (!jti || jti->empty()) reject("missing jti");

  Principal principal;
  auto roles = claims->find("roles");
  if (roles == claims->end() || !roles->value().is_array()) reject("roles is not an array");
  for (const auto& role : roles->value().get_array()) {
    if (!role.is_string()) reject("roles holds a non-string");
    principal.roles.emplace_back(role.get_string());
  }
  if (claims->contains("sid")) {
    const auto* sid = string_member(*claims, "sid");
    if (!sid || sid->empty()) reject("sid is not a non-empty string");
    principal.session_id = std::string(*sid);
  }
  principal.user_id = std::string(*sub);
  principal.token_id = std::string(*jti);
  expires_at = *exp;
  return principal;
}

}  // namespace nelo::security
