#include "core/security/tokens.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace nelo::security {
namespace {

TEST(SecurityTokens, RandomTokenIsBase64UrlOfTheRequestedSizeAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto token = random_token(32);
    EXPECT_EQ(token.size(), 43u);  // ceil(32 * 4 / 3), no padding
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto raw = base64url_decode(token);
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->size(), 32u);
    EXPECT_TRUE(seen.insert(token).second) << "duplicate token";
  }
  EXPECT_EQ(random_token(64).size(), 86u);
}

TEST(SecurityTokens, RandomTokenRefusesWeakSizes) { EXPECT_THROW(random_token(8), std::invalid_argument); }

TEST(SecurityTokens, RandomBytesAreNotConstant) {
  auto a = random_bytes(32);
  auto b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(SecurityTokens, Sha256MatchesKnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto bytes = sha256_bytes("abc");
  EXPECT_EQ(bytes[0], 0xba);
  EXPECT_EQ(bytes[31], 0xad);
}

TEST(SecurityTokens, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("same value", "same value"));
  EXPECT_FALSE(constant_time_equal("same value", "same valuE"));
  EXPECT_FALSE(constant_time_equal("Same value", "same value"));
  EXPECT_FALSE(constant_time_equal("short", "short but longer"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(SecurityTokens, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 section 10, without padding.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" rather than "+/8".
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), std::string("foobar"));
  EXPECT_EQ(base64url_decode(""), std::string(""));
}

TEST(SecurityTokens, Base64UrlRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    auto part = all.substr(0, n);
    EXPECT_EQ(base64url_decode(base64url_encode(part)), part) << n;
  }
}

TEST(SecurityTokens, Base64UrlDecodeIsStrict) {
  EXPECT_FALSE(base64url_decode("Zg=="));       // padding
  EXPECT_FALSE(base64url_decode("+/8"));        // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v YmFy"));  // whitespace
  EXPECT_FALSE(base64url_decode("Zm9v\n"));
  EXPECT_FALSE(base64url_decode("Z"));          // impossible length
  EXPECT_FALSE(base64url_decode("Zh"));         // non-zero trailing bits ("Zg" is the canonical "f")
  EXPECT_FALSE(base64url_decode("Zm9v!"));
  EXPECT_FALSE(base64url_decode(std::string("Zm9v\0", 5)));
}

TEST(SecurityTokens, Base64UrlDecodeRefusesEveryByteOutsideTheAlphabet) {
  // libsodium 1.0.18 took bytes 0x80-0xff for alphabet characters: a token could be spelled
  // two ways (found by tests/fuzz/jwt_fuzz.cpp).
  EXPECT_FALSE(base64url_decode("\xff\xff\xff\x80"));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int c = 0; c < 256; ++c) {
    if (alphabet.find(static_cast<char>(c)) != std::string::npos) continue;
    EXPECT_FALSE(base64url_decode(std::string("AAA") + static_cast<char>(c))) << "byte " << c;
  }
}

TEST(SecurityTokens, HexRoundTripAndStrictness) {
  EXPECT_EQ(hex_encode("\x01\xab\xff"), "01abff");
  EXPECT_EQ(hex_decode("01abff"), std::string("\x01\xab\xff"));
  EXPECT_EQ(hex_decode("01ABFF"), std::string("\x01\xab\xff"));
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
  EXPECT_FALSE(hex_decode("01 ab"));
}

TEST(SecurityTokens, WipeClearsTheString) {
  std::string secret = "correct horse battery staple, long enough to live on the heap";
  wipe(secret);
  EXPECT_TRUE(secret.empty());
  std::string short_secret = "pin1234";
  wipe(short_secret);
  EXPECT_TRUE(short_secret.empty());
}

}  // namespace
}  // namespace nelo::security
