#include "core/time.hpp"

#include <gtest/gtest.h>

namespace nelo {
namespace {

using namespace std::chrono;

Timestamp at(int y, unsigned m, unsigned d, int h, int mi, int s, long long us = 0) {
  return Timestamp{sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{mi} + seconds{s}} + microseconds{us};
}

TEST(Time, ToRfc3339_OmitsAZeroFraction) {
  EXPECT_EQ(to_rfc3339(at(2026, 11, 25, 13, 38, 53)), "2026-11-25T13:38:53Z");
}

TEST(Time, ToRfc3339_WritesMicroseconds) {
  EXPECT_EQ(to_rfc3339(at(2026, 11, 25, 13, 38, 53, 123456)), "2026-11-25T13:38:53.123456Z");
  EXPECT_EQ(to_rfc3339(at(2026, 1, 2, 3, 4, 5, 7)), "2026-01-02T03:04:05.000007Z");
}

TEST(Time, ToRfc3339Millis_AlwaysWritesThreeDigitsAndTruncates) {
  EXPECT_EQ(to_rfc3339_millis(at(2026, 11, 25, 13, 38, 53, 123999)), "2026-11-25T13:38:53.123Z");
  EXPECT_EQ(to_rfc3339_millis(at(2026, 11, 25, 13, 38, 53, 999)), "2026-11-25T13:38:53.000Z");
  EXPECT_EQ(to_rfc3339_millis(at(2026, 11, 25, 13, 38, 53)), "2026-11-25T13:38:53.000Z");
  EXPECT_EQ(to_rfc3339_millis(at(1969, 12, 31, 23, 59, 59, 500400)), "1969-12-31T23:59:59.500Z");
}

TEST(Time, ToRfc3339_HandlesTimesBeforeTheEpoch) {
  EXPECT_EQ(to_rfc3339(at(1969, 12, 31, 23, 59, 59, 500000)), "1969-12-31T23:59:59.500000Z");
}

TEST(Time, ToRfc3339_PadsEveryFieldAtTheEndsOfTheFourDigitYears) {
  EXPECT_EQ(to_rfc3339(at(1, 1, 1, 0, 0, 0, 1)), "0001-01-01T00:00:00.000001Z");
  EXPECT_EQ(to_rfc3339_millis(at(9999, 12, 31, 23, 59, 59, 999999)), "9999-12-31T23:59:59.999Z");
}

TEST(Time, Parse_AcceptsRfc3339WithZ) {
  EXPECT_EQ(parse_timestamp("2026-11-25T13:38:53Z"), at(2026, 11, 25, 13, 38, 53));
  EXPECT_EQ(parse_timestamp("2026-11-25t13:38:53z"), at(2026, 11, 25, 13, 38, 53));
  EXPECT_EQ(parse_timestamp("2026-11-25T13:38:53.1Z"), at(2026, 11, 25, 13, 38, 53, 100000));
}

TEST(Time, Parse_AppliesNumericOffsets) {
  EXPECT_EQ(parse_timestamp("2026-11-25T15:38:53+02:00"), at(2026, 11, 25, 13, 38, 53));
  EXPECT_EQ(parse_timestamp("2026-11-25T08:08:53-05:30"), at(2026, 11, 25, 13, 38, 53));
  EXPECT_EQ(parse_timestamp("2026-11-26T00:38:53+1100"), at(2026, 11, 25, 13, 38, 53));
}

TEST(Time, Parse_AcceptsPostgresTextOutput) {
  EXPECT_EQ(parse_timestamp("2026-11-25 13:38:53.123456+00"), at(2026, 11, 25, 13, 38, 53, 123456));
  EXPECT_EQ(parse_timestamp("2026-11-25 13:38:53+00"), at(2026, 11, 25, 13, 38, 53));
  // Historical zones carry seconds in the offset.
  EXPECT_EQ(parse_timestamp("1900-01-01 00:09:21+00:09:21"), at(1900, 1, 1, 0, 0, 0));
}

TEST(Time, Parse_TruncatesBeyondMicroseconds) {
  EXPECT_EQ(parse_timestamp("2026-11-25T13:38:53.123456789Z"), at(2026, 11, 25, 13, 38, 53, 123456));
}

TEST(Time, Parse_RoundTripsWithToRfc3339) {
  for (auto t : {at(2026, 2, 28, 23, 59, 59, 999999), at(2024, 2, 29, 0, 0, 0), at(1970, 1, 1, 0, 0, 0, 1)}) {
    EXPECT_EQ(parse_timestamp(to_rfc3339(t)), t);
  }
}

TEST(Time, Parse_RejectsMalformedInput) {
  for (const char* bad : {"", "2026-11-25", "2026-11-25T13:38:53", "2026-11-25T13:38Z", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-25T24:00:00Z",
                          "2026-11-25T23:60:00Z", "2026-11-25T23:00:60Z", "2026-11-25T13:38:53.Z",
                          "2026-11-25T13:38:53Zjunk", "2026-11-25T13:38:53+2", "2026-11-25T13:38:53+24:00",
                          "26-11-25T13:38:53Z", "2026/11/25T13:38:53Z", "infinity", " 2026-11-25T13:38:53Z"}) {
    EXPECT_EQ(parse_timestamp(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace nelo
