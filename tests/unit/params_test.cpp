#include "core/db/params.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <limits>

namespace nelo::db {
namespace {

TEST(Params, Scalars_AreSentAsPostgresText) {
  EXPECT_EQ(to_param(true), "true");
  EXPECT_EQ(to_param(false), "false");
  EXPECT_EQ(to_param(std::int32_t{-42}), "-42");
  EXPECT_EQ(to_param(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(to_param(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(to_param("text"), "text");
  EXPECT_EQ(to_param(std::string_view("view")), "view");
  EXPECT_EQ(to_param(std::string("it's")), "it's");
}

TEST(Params, OtherIntegerTypes_AreDecimalText) {
  EXPECT_EQ(to_param(std::size_t{42}), "42");
  EXPECT_EQ(to_param(7u), "7");
  EXPECT_EQ(to_param(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(to_param(-5LL), "-5");
  EXPECT_EQ(to_param(std::int16_t{-3}), "-3");
  EXPECT_EQ(to_param(std::optional<std::size_t>{9}), "9");
}

TEST(Params, Doubles_RoundTripAndSpellSpecialValuesLikePostgres) {
  EXPECT_EQ(to_param(0.1), "0.1");
  EXPECT_EQ(std::stod(*to_param(1.0 / 3.0)), 1.0 / 3.0);
  EXPECT_EQ(to_param(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(to_param(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(to_param(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(Params, Nulls_AreEmptyOptionals) {
  EXPECT_EQ(to_param(std::nullopt), std::nullopt);
  EXPECT_EQ(to_param(static_cast<const char*>(nullptr)), std::nullopt);
  EXPECT_EQ(to_param(std::optional<std::int64_t>{}), std::nullopt);
  EXPECT_EQ(to_param(std::optional<std::int64_t>{7}), "7");
}

TEST(Params, Timestamp_IsRfc3339Utc) {
  Timestamp t{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}};
  t += std::chrono::microseconds(1);
  EXPECT_EQ(to_param(t), "2026-11-25T00:00:00.000001Z");
}

TEST(Params, Json_IsSerialized) {
  boost::json::object o{{"a", 1}, {"b", "x\"y"}};
  EXPECT_EQ(boost::json::parse(*to_param(o)), boost::json::value(o));
  EXPECT_EQ(to_param(boost::json::value(nullptr)), "null");
}

TEST(Params, Arrays_QuoteEveryElementAndEscapeQuotesAndBackslashes) {
  EXPECT_EQ(to_param(std::vector<std::string>{}), "{}");
  EXPECT_EQ(to_param(std::vector<std::string>{"a"}), R"({"a"})");
  EXPECT_EQ(to_param(std::vector<std::string>{"a,b", "{c}", "NULL", "", " sp "}),
            R"({"a,b","{c}","NULL",""," sp "})");
  EXPECT_EQ(to_param(std::vector<std::string>{R"(say "hi")", R"(back\slash)"}),
            R"({"say \"hi\"","back\\slash"})");
}

TEST(Params, IntegerArrays_AreBareDecimals) {
  EXPECT_EQ(to_param(std::vector<std::int64_t>{0, -3, 9007199254740993}), "{0,-3,9007199254740993}");
  EXPECT_EQ(to_param(std::vector<std::int64_t>{}), "{}");
}

TEST(Params, ParamsHelper_ConvertsEachArgumentInOrder) {
  auto p = params(std::string("id"), 42, std::nullopt, true);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], "id");
  EXPECT_EQ(p[1], "42");
  EXPECT_EQ(p[2], std::nullopt);
  EXPECT_EQ(p[3], "true");
}

}  // namespace
}  // namespace nelo::db
