// The access-token verifier (core/security/jwt.hpp) and the encodings under it. The first byte
// of the input chooses what the rest is:
//   0  a token as a client sends it (Authorization: Bearer ...): verify() answers a Principal or
//      throws Unauthorized, nothing else;
//   1  "<header JSON>\n<payload JSON>", made into a token signed with the verifier's own key, so
//      that the claim checks behind the signature are fuzzed too: still only Unauthorized, and a
//      token it accepts has what verify() promises (a UUID subject, a jti, exp in the future);
//   2  text for the strict decoders: base64url_decode and hex_decode accept one encoding per
//      byte string (what they decode encodes back to the input), and a JWK (a JSON object) is
//      either a P-256 public key or a JwtError.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/security/jwt.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace nelo;
using namespace nelo::security;

constexpr std::string_view kKid = "fuzz-key";
constexpr std::int64_t kNow = 1796083200;  // 2026-12-01T00:00:00Z: the seeds' iat and exp are around it

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(kNow)); }
};

struct Keys {
  EcKeyPair pair = generate_es256_key_pair();
  EVP_PKEY* signing = nullptr;
  std::unique_ptr<JwtVerifier> verifier;

  Keys() {
    BIO* bio = BIO_new_mem_buf(pair.private_pem.data(), static_cast<int>(pair.private_pem.size()));
    signing = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!signing) fuzz::fail("could not read the fuzz signing key");
    JwtVerifierOptions options{"nelo", "nelo-api", std::chrono::seconds(30), 8 * 1024, 1024};
    verifier = std::make_unique<JwtVerifier>(options, JwtVerifier::PublicKeys{{std::string(kKid), pair.public_pem}},
                                             std::make_shared<FixedClock>());
  }
};

const Keys& keys() {
  static const Keys k;
  return k;
}

// ES256 over `input` in the JOSE form (r || s, 32 bytes each), as JwtSigner writes it.
std::string es256(std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t der_size = 0;
  std::string der;
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, keys().signing) != 1 ||
      EVP_DigestSign(ctx, nullptr, &der_size, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    fuzz::fail("EVP_DigestSign (size) failed");
  }
  der.resize(der_size);
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &der_size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    fuzz::fail("EVP_DigestSign failed");
  }
  EVP_MD_CTX_free(ctx);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_size));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data() + 32), 32);
  ECDSA_SIG_free(sig);
  return raw;
}

void verify(std::string_view token) {
  Principal principal;
  try {
    principal = keys().verifier->verify(token);
  } catch (const Unauthorized&) {
    return;  // a 401
  }
  // No other catch: anything else thrown ends the run as a crash.
  fuzz::check(is_uuid(principal.user_id), "verify() accepted a subject that is not a UUID", principal.user_id);
  fuzz::check(!principal.token_id.empty(), "verify() accepted a token without jti");
}

void signed_token(std::string_view rest) {
  const auto newline = rest.find('\n');
  if (newline == std::string_view::npos) return;
  std::string token = base64url_encode(rest.substr(0, newline)) + "." + base64url_encode(rest.substr(newline + 1));
  token += "." + base64url_encode(es256(token));
  verify(token);
}

void decoders(std::string_view text) {
  if (auto bytes = base64url_decode(text)) {
    fuzz::check(base64url_encode(*bytes) == text, "base64url_decode accepted a second encoding", text);
  }
  if (auto bytes = hex_decode(text)) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    fuzz::check(hex_encode(*bytes) == lower, "hex_decode does not invert hex_encode", text);
  }
  boost::json::value jwk;
  try {
    jwk = parse_json_strict(text, 8);
  } catch (const BadRequest&) {
    return;
  }
  if (!jwk.is_object()) return;
  try {
    const std::string pem = public_pem_from_jwk(jwk.get_object());
    // What it returns is a P-256 public key this process can use.
    (void)public_jwk("k", pem);
  } catch (const JwtError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: verify(rest); break;
    case 1: signed_token(rest); break;
    default: decoders(rest); break;
  }
  return 0;
}
