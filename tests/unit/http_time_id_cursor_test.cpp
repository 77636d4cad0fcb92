// core/http/time_id_cursor.hpp: the opaque cursor of every list ordered by (timestamp, id), such
// as the orders' and the addresses' (each a TimeIdCursor with its own version).

#include "core/http/time_id_cursor.hpp"

#include <gtest/gtest.h>

#include "core/security/tokens.hpp"

namespace nelo::http {
namespace {

TimeIdPosition position() {
  TimeIdPosition p;
  p.at = Timestamp(std::chrono::microseconds(1'795'626'163'512'345));
  p.id = "01a213c2-11d0-75ca-93da-2b9470d49cb4";
  return p;
}

// What a module's list position looks like (OrderKey, AddressKey).
struct Key {
  Timestamp created_at{};
  std::string id;
  bool operator==(const Key&) const = default;
};

Key key(std::int64_t micros, std::string id) {
  Key k;
  k.created_at = Timestamp(std::chrono::microseconds(micros));
  k.id = std::move(id);
  return k;
}

constexpr TimeIdCursor<Key> kCursor{"a1"};

TEST(HttpTimeIdCursor, RoundTripsToTheMicrosecond) {
  auto decoded = decode_time_id_cursor("x1", encode_time_id_cursor("x1", position()));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->at, position().at);
  EXPECT_EQ(decoded->id, position().id);
}

TEST(HttpTimeIdCursor, ACursorOfAnotherListIsRefused) {
  EXPECT_FALSE(decode_time_id_cursor("a1", encode_time_id_cursor("o1", position())));
  constexpr TimeIdCursor<Key> other{"o1"};
  EXPECT_FALSE(kCursor.decode(other.encode(key(1, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"))));
}

TEST(HttpTimeIdCursor, AnythingElseIsRefused) {
  for (std::string_view text : {"x1..01a213c2-11d0-75ca-93da-2b9470d49cb4",
                                "x1.12ab.01a213c2-11d0-75ca-93da-2b9470d49cb4", "x1.1.not-a-uuid", "x1.1", "x1"}) {
    EXPECT_FALSE(decode_time_id_cursor("x1", security::base64url_encode(text))) << text;
  }
  EXPECT_FALSE(decode_time_id_cursor("x1", ""));
  EXPECT_FALSE(decode_time_id_cursor("x1", "!!!"));
  EXPECT_FALSE(decode_time_id_cursor("x1", std::string(200, 'A')));
}

TEST(HttpTimeIdCursor, AListsCursorRoundTripsItsKey) {
  for (const Key& k : {key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"),
                       key(0, "00000000-0000-0000-0000-000000000000"),
                       key(-5, "ffffffff-ffff-ffff-ffff-ffffffffffff")}) {
    const auto text = kCursor.encode(k);
    auto back = kCursor.decode(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, k);
  }
}

TEST(HttpTimeIdCursor, IsUrlSafe) {
  const auto text = kCursor.encode(key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"));
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << text;
}

TEST(HttpTimeIdCursor, AListsCursorRefusesGarbage) {
  for (const char* text : {"", "!!!!", "a", "abcd", "====", "YTEuMTIzLm5vdC1hLXV1aWQ", "YTIuMS4w"}) {
    EXPECT_FALSE(kCursor.decode(text).has_value()) << text;
  }
  EXPECT_FALSE(kCursor.decode(std::string(200, 'A')).has_value());
}

TEST(HttpTimeIdCursor, AListsCursorRefusesTampering) {
  const auto valid = kCursor.encode(key(1'764'079'407'512'345, "0190f5d2-7b1c-7a3e-9f00-0123456789ab"));
  for (std::size_t i = 0; i < valid.size(); ++i) {
    auto tampered = valid;
    tampered[i] = '!';
    EXPECT_FALSE(kCursor.decode(tampered).has_value()) << tampered;
  }
}

}  // namespace
}  // namespace nelo::http
