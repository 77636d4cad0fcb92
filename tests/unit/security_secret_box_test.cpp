#include "core/security/secret_box.hpp"

#include <gtest/gtest.h>

#include "core/security/tokens.hpp"

namespace nelo::security {
namespace {

const std::string kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kOtherKey = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kPrivatePem =
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

TEST(SecuritySecretBox, SealThenOpenRoundTrips) {
  SecretBox box(kKey);
  auto sealed = box.seal(kPrivatePem);
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(box.open(sealed), kPrivatePem);
  EXPECT_EQ(box.open(box.seal("")), "");
  std::string binary("\0\x01\xff secret", 10);
  EXPECT_EQ(box.open(box.seal(binary)), binary);
}

TEST(SecuritySecretBox, EachSealUsesAFreshNonce) {
  SecretBox box(kKey);
  EXPECT_NE(box.seal("same"), box.seal("same"));
}

TEST(SecuritySecretBox, SealedFormIsVersionNonceAndCiphertext) {
  SecretBox box(kKey);
  auto sealed = box.seal("hello");
  auto first = sealed.find(':');
  auto second = sealed.find(':', first + 1);
  ASSERT_NE(second, std::string::npos);
  auto nonce = base64url_decode(sealed.substr(first + 1, second - first - 1));
  auto cipher = base64url_decode(sealed.substr(second + 1));
  ASSERT_TRUE(nonce && cipher);
  EXPECT_EQ(nonce->size(), 24u);
  EXPECT_EQ(cipher->size(), 5u + 16u);  // plaintext + Poly1305 tag
}

TEST(SecuritySecretBox, WrongKeyFails) {
  auto sealed = SecretBox(kKey).seal(kPrivatePem);
  SecretBox other(kOtherKey);
  EXPECT_THROW(other.open(sealed), SecretBoxError);
  try {
    other.open(sealed);
  } catch (const SecretBoxError& e) {
    EXPECT_NE(std::string(e.what()).find("wrong key or tampered"), std::string::npos);
  }
}

TEST(SecuritySecretBox, TamperingIsDetected) {
  SecretBox box(kKey);
  auto sealed = box.seal(kPrivatePem);
  auto last_colon = sealed.rfind(':');
  auto cipher = *base64url_decode(sealed.substr(last_colon + 1));
  for (std::size_t i : {std::size_t{0}, cipher.size() / 2, cipher.size() - 1}) {
    auto flipped = cipher;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_THROW(box.open(sealed.substr(0, last_colon + 1) + base64url_encode(flipped)), SecretBoxError) << i;
  }
  // A different nonce (same ciphertext) fails too.
  auto other_nonce = base64url_encode(random_bytes(24));
  EXPECT_THROW(box.open("v1:" + other_nonce + sealed.substr(last_colon)), SecretBoxError);
  // Truncated.
  EXPECT_THROW(box.open(sealed.substr(0, sealed.size() - 4)), SecretBoxError);
}

TEST(SecuritySecretBox, MalformedInputFailsClearly) {
  SecretBox box(kKey);
  for (std::string bad : {"", "v1:", "v1:abc", "v2:AAAA:BBBB", "plaintext", "v1::", "v1:!!:??"}) {
    EXPECT_THROW(box.open(bad), SecretBoxError) << bad;
  }
}

TEST(SecuritySecretBox, KeyMustBe64HexCharacters) {
  EXPECT_THROW(SecretBox(""), std::invalid_argument);
  EXPECT_THROW(SecretBox(kKey.substr(2)), std::invalid_argument);
  EXPECT_THROW(SecretBox(kKey + "00"), std::invalid_argument);
  EXPECT_THROW(SecretBox("zz" + kKey.substr(2)), std::invalid_argument);
  EXPECT_NO_THROW(SecretBox("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"));
}

TEST(SecuritySecretBox, GeneratedKeysAreUsableAndDistinct) {
  auto a = SecretBox::generate_hex_key();
  auto b = SecretBox::generate_hex_key();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  SecretBox box(a);
  EXPECT_EQ(box.open(box.seal("x")), "x");
  EXPECT_THROW(SecretBox(b).open(box.seal("x")), SecretBoxError);
}

}  // namespace
}  // namespace nelo::security
