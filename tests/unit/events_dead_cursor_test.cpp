#include <gtest/gtest.h>

#include "shared/events/dead_cursor.hpp"

namespace nelo::events {
namespace {

TEST(DeadCursor, RoundTrips) {
  for (const DeadCursor& c : {DeadCursor{"orders", 42, "notifications"}, DeadCursor{"a", 0, "b"},
                              DeadCursor{"payments", INT64_MAX, "deliveries"}, DeadCursor{"ab", 1, "c"},
                              DeadCursor{"abc", 12, "d"}}) {
    const auto text = encode_dead_cursor(c);
    auto back = decode_dead_cursor(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, c);
  }
}

TEST(DeadCursor, IsUrlSafe) {
  const auto text = encode_dead_cursor({"orders", 1234567, "notifications"});
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << text;
}

TEST(DeadCursor, RejectsGarbage) {
  for (const char* text : {"", "!!!!", "a", "abcd", "orders", "ZDEKb3JkZXJz", "Zm9v", "====", "ZDE="}) {
    EXPECT_FALSE(decode_dead_cursor(text).has_value()) << text;
  }
  EXPECT_FALSE(decode_dead_cursor(std::string(600, 'A')).has_value());
}

TEST(DeadCursor, RejectsTamperedFields) {
  auto valid = encode_dead_cursor({"orders", 5, "users"});
  // Flip a character in the middle: either not decodable or not a valid field set.
  for (std::size_t i = 0; i < valid.size(); ++i) {
    auto tampered = valid;
    tampered[i] = tampered[i] == 'A' ? '!' : '!';
    EXPECT_FALSE(decode_dead_cursor(tampered).has_value());
  }
  // A well-formed encoding of invalid content (negative seq, SQL in a name).
  EXPECT_FALSE(decode_dead_cursor(encode_dead_cursor({"orders", -1, "users"})).has_value());
  EXPECT_FALSE(decode_dead_cursor(encode_dead_cursor({"orders; drop", 1, "users"})).has_value());
  EXPECT_FALSE(decode_dead_cursor(encode_dead_cursor({"orders", 1, "Users"})).has_value());
}

}  // namespace
}  // namespace nelo::events
