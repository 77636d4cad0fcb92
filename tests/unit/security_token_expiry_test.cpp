// verified_token_expiry (core/security/token_expiry.hpp): the exp of a token already verified.

#include <gtest/gtest.h>

#include "core/security/token_expiry.hpp"
#include "core/security/tokens.hpp"

namespace nelo::security {
namespace {

std::string token_with(std::string_view payload) {
  return base64url_encode(R"({"alg":"ES256"})") + "." + base64url_encode(payload) + "." + base64url_encode("sig");
}

TEST(VerifiedTokenExpiry, ReadsTheExpClaim) {
  EXPECT_EQ(verified_token_expiry(token_with(R"({"sub":"x","exp":1780000000})")), 1780000000);
}

TEST(VerifiedTokenExpiry, NothingWithoutAnIntegerExpInAThreePartToken) {
  EXPECT_FALSE(verified_token_expiry(token_with(R"({"sub":"x"})")));
  EXPECT_FALSE(verified_token_expiry(token_with(R"({"exp":"soon"})")));
  EXPECT_FALSE(verified_token_expiry(token_with("not json")));
  EXPECT_FALSE(verified_token_expiry("no-dots"));
  EXPECT_FALSE(verified_token_expiry("a.!!!.c"));
}

}  // namespace
}  // namespace nelo::security
