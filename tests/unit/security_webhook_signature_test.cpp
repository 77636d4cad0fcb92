// Stripe's webhook signature scheme as payments and notifications sign and check it: a known vector,
// the body and the timestamp both covered, secrets rotating on either side, the tolerance in
// both directions, and headers that are not signatures at all.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/security/hmac.hpp"
#include "core/security/tokens.hpp"
#include "core/security/webhook_signature.hpp"

namespace nelo::security {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kSecret = {"whsec_test_secret"};
constexpr std::int64_t kNow = 1'765'000'000;
const std::string kBody = R"({"id":"evt_1","type":"payment.authorized"})";

SignatureCheck check(const std::string& header, const std::string& body = kBody,
                     const std::vector<std::string>& secrets = kSecret, std::int64_t now = kNow) {
  return check_webhook_signature(header, body, secrets, now, 300s);
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  const auto mac = security::hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(security::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignature, SignsTimestampDotBodyInStripesFormat) {
  const auto mac = security::hmac_sha256(kSecret[0], std::to_string(kNow) + "." + kBody);
  const std::string expected =
      "t=" + std::to_string(kNow) +
      ",v1=" + security::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  EXPECT_EQ(sign_webhook(kSecret, kNow, kBody), expected);
  EXPECT_EQ(check(expected), SignatureCheck::Valid);
}

TEST(WebhookSignature, AnAlteredBodyOrTimestampOrSecretIsAMismatch) {
  const std::string header = sign_webhook(kSecret, kNow, kBody);
  std::string altered = kBody;
  altered[altered.size() - 3] = 'X';
  EXPECT_EQ(check(header, altered), SignatureCheck::Mismatch);
  EXPECT_EQ(check(header, kBody + " "), SignatureCheck::Mismatch);
  const std::string moved = "t=" + std::to_string(kNow + 1) + header.substr(header.find(','));
  EXPECT_EQ(check(moved), SignatureCheck::Mismatch) << "the timestamp is signed too";
  EXPECT_EQ(check(header, kBody, {"whsec_other"}), SignatureCheck::Mismatch);
  EXPECT_EQ(check(header, kBody, {}), SignatureCheck::Mismatch) << "no secret accepts nothing";
  std::string flipped = header;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(check(flipped), SignatureCheck::Mismatch);
}

TEST(WebhookSignature, EitherSideOfARotationIsAccepted) {
  const std::vector<std::string> both = {"whsec_new", "whsec_old"};
  // The sender already signs with both, the receiver still knows only the old one...
  EXPECT_EQ(check(sign_webhook(both, kNow, kBody), kBody, {"whsec_old"}), SignatureCheck::Valid);
  // ...or the receiver accepts both while the sender still signs with the old one only.
  EXPECT_EQ(check(sign_webhook(std::vector<std::string>{"whsec_old"}, kNow, kBody), kBody, both),
            SignatureCheck::Valid);
  EXPECT_EQ(check(sign_webhook(std::vector<std::string>{"whsec_gone"}, kNow, kBody), kBody, both),
            SignatureCheck::Mismatch);
}

TEST(WebhookSignature, FiveMinutesEitherWayAndNotASecondMore) {
  EXPECT_EQ(check(sign_webhook(kSecret, kNow - 300, kBody)), SignatureCheck::Valid);
  EXPECT_EQ(check(sign_webhook(kSecret, kNow + 300, kBody)), SignatureCheck::Valid);
  EXPECT_EQ(check(sign_webhook(kSecret, kNow - 301, kBody)), SignatureCheck::Stale);
  EXPECT_EQ(check(sign_webhook(kSecret, kNow + 301, kBody)), SignatureCheck::Stale);
  // Stale is only said of a genuine signature: a forger learns nothing about the clock.
  const std::string forged = "t=" + std::to_string(kNow - 3600) + ",v1=" + std::string(64, 'a');
  EXPECT_EQ(check(forged), SignatureCheck::Mismatch);
}

TEST(WebhookSignature, OtherSchemesAndSpacesAreIgnored) {
  const std::string header = sign_webhook(kSecret, kNow, kBody);
  const std::string v1 = header.substr(header.find("v1="));
  EXPECT_EQ(check("t=" + std::to_string(kNow) + ", v0=deadbeef, " + v1), SignatureCheck::Valid);
  EXPECT_EQ(check(v1 + ",t=" + std::to_string(kNow)), SignatureCheck::Valid) << "in any order";
  EXPECT_EQ(check("t=" + std::to_string(kNow) + ",v1=" + std::string(64, '0') + "," + v1), SignatureCheck::Valid)
      << "one matching v1 among several";
}

TEST(WebhookSignature, HeadersThatAreNotSignaturesAreMalformed) {
  const std::string v1 = ",v1=" + std::string(64, 'a');
  for (const std::string& header :
       {std::string(), std::string("garbage"), "v1=" + std::string(64, 'a'), "t=" + std::to_string(kNow),
        "t=" + std::to_string(kNow) + ",v0=abc", "t=-5" + v1, "t=12x" + v1, "t=" + v1, "t=1,t=2" + v1,
        "t=9999999999999999999" + v1, "t=" + std::to_string(kNow) + v1 + ",novalue",
        "t=" + std::to_string(kNow) + std::string(2000, ' ') + v1}) {
    EXPECT_EQ(check(header), SignatureCheck::Malformed) << header.substr(0, 80);
  }
  std::string many = "t=" + std::to_string(kNow);
  for (int i = 0; i < 9; ++i) many += v1;
  EXPECT_EQ(check(many), SignatureCheck::Malformed) << "at most 8 signatures";
  EXPECT_EQ(to_string(SignatureCheck::Stale), "stale");
}

}  // namespace
}  // namespace nelo::security
