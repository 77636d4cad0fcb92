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

TEST(HttpTimeIdCursor, RoundTripsToTheMicrosecond) {
  auto decoded = decode_time_id_cursor("x1", encode_time_id_cursor("x1", position()));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->at, position().at);
  EXPECT_EQ(decoded->id, position().id);
}

TEST(HttpTimeIdCursor, ACursorOfAnotherListIsRefused) {
  EXPECT_FALSE(decode_time_id_cursor("a1", encode_time_id_cursor("o1", position())));
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

}  // namespace
}  // namespace nelo::http
