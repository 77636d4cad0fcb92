// The Idempotency-Key header's syntax and the request fingerprint that binds a key to its request.

#include <gtest/gtest.h>

#include <string>

#include "shared/idempotency/idempotency_store.hpp"

namespace nelo::idempotency {
namespace {

TEST(IdempotencyKey, AcceptsUuidsAndVisibleAscii) {
  EXPECT_EQ(invalid_key_reason("3b0d7f7e-4a55-4c3e-9a43-6f1f4a9d2c10"), std::nullopt);
  EXPECT_EQ(invalid_key_reason("a"), std::nullopt);
  EXPECT_EQ(invalid_key_reason("order:2026-11-25/#1~!"), std::nullopt);
  EXPECT_EQ(invalid_key_reason(std::string(255, 'k')), std::nullopt);
}

TEST(IdempotencyKey, RejectsEmpty) {
  auto reason = invalid_key_reason("");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("empty"), std::string::npos);
}

TEST(IdempotencyKey, RejectsLongerThan255) {
  auto reason = invalid_key_reason(std::string(256, 'k'));
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("255"), std::string::npos);
}

TEST(IdempotencyKey, RejectsControlCharactersSpacesAndNonAscii) {
  for (const std::string& key : {std::string("abc\ndef"), std::string("tab\there"), std::string("nul\0x", 5),
                                std::string("del\x7f"), std::string("with space"), std::string("caf\xc3\xa9")}) {
    auto reason = invalid_key_reason(key);
    ASSERT_TRUE(reason) << "accepted: " << key;
    EXPECT_NE(reason->find("visible ASCII"), std::string::npos);
  }
}

TEST(IdempotencyFingerprint, IsHexSha256AndStable) {
  const auto a = request_fingerprint("POST", "/api/v1/orders", R"({"a":1})");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, request_fingerprint("POST", "/api/v1/orders", R"({"a":1})"));
}

TEST(IdempotencyFingerprint, ChangesWithMethodPathOrBody) {
  const auto base = request_fingerprint("POST", "/api/v1/orders", R"({"a":1})");
  EXPECT_NE(base, request_fingerprint("PUT", "/api/v1/orders", R"({"a":1})"));
  EXPECT_NE(base, request_fingerprint("POST", "/api/v1/orders/quote", R"({"a":1})"));
  EXPECT_NE(base, request_fingerprint("POST", "/api/v1/orders", R"({"a":2})"));
  EXPECT_NE(base, request_fingerprint("POST", "/api/v1/orders", R"({"a":1} )"));
}

TEST(IdempotencyFingerprint, PartsCannotBleedIntoEachOther) {
  // Plain concatenation would make these equal.
  EXPECT_NE(request_fingerprint("POST", "/a", "b"), request_fingerprint("POST", "/ab", ""));
  EXPECT_NE(request_fingerprint("POS", "T/a", ""), request_fingerprint("POST", "/a", ""));
}

}  // namespace
}  // namespace nelo::idempotency
