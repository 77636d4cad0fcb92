// The "sid" claim: access tokens carry their session, and the verifier hands it to the principal.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "core/security/jwt.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"

namespace nelo::security {
namespace {

using namespace std::chrono_literals;

JwtClaims claims() {
  JwtClaims c;
  c.issuer = "nelo";
  c.audience = "nelo-api";
  c.subject = new_uuid();
  c.roles = {"customer"};
  c.issued_at = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  c.expires_at = c.issued_at + 15min;
  c.token_id = new_uuid();
  return c;
}

boost::json::object payload_of(const std::string& token) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  return boost::json::parse(*base64url_decode(token.substr(first + 1, second - first - 1))).as_object();
}

TEST(AuthJwtSid, SignedWhenSetAndReadBack) {
  auto keys = generate_es256_key_pair();
  JwtSigner signer;
  JwtVerifier verifier({.issuer = "nelo", .audience = "nelo-api"}, {{"k1", keys.public_pem}});
  auto with_sid = claims();
  with_sid.session_id = new_uuid();
  auto token = signer.sign("k1", keys.private_pem, with_sid);
  EXPECT_EQ(payload_of(token).at("sid").as_string(), with_sid.session_id);
  EXPECT_EQ(verifier.verify(token).session_id, with_sid.session_id);

  auto without = signer.sign("k1", keys.private_pem, claims());
  EXPECT_FALSE(payload_of(without).contains("sid"));
  EXPECT_EQ(verifier.verify(without).session_id, "");
}

}  // namespace
}  // namespace nelo::security
