// Opening hours: parsing and validation (field names of every problem), the compiled week and
// "open at" a local minute of the week: several ranges, past midnight (Sunday into Monday too),
// 24:00, and the local times a DST change day produces. Turning an instant into the local minute
// is PostgreSQL's job (catalog.week_minute): tests/integration/catalog_merchants_pgtest.cpp runs
// the same schedules against real DST transitions.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "modules/catalog/opening_hours.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

constexpr int kMonday = 0, kTuesday = 1, kSaturday = 5, kSunday = 6;

int minute(int weekday, std::string_view time) { return week_minute(weekday, *parse_clock_time(time, true)); }

std::vector<FieldError> problems_of(std::string_view body) {
  Validator v;
  auto hours = parse_opening_hours(json::parse(body).as_object(), v, "opening_hours");
  try {
    v.throw_if_invalid();
  } catch (const ValidationError& e) {
    EXPECT_FALSE(hours.has_value());
    return e.errors();
  }
  EXPECT_TRUE(hours.has_value());
  return {};
}

OpeningHours parse_ok(std::string_view body) {
  Validator v;
  auto hours = parse_opening_hours(json::parse(body).as_object(), v, "opening_hours");
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(hours.has_value()) << body;
  return hours.value_or(OpeningHours{});
}

bool has_field(const std::vector<FieldError>& errors, std::string_view field) {
  for (const auto& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

std::string fields(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "; ";
  return out;
}

// --- clock times ---

TEST(CatalogOpeningHours, ClockTimes) {
  EXPECT_EQ(parse_clock_time("00:00", false), 0);
  EXPECT_EQ(parse_clock_time("11:30", false), 690);
  EXPECT_EQ(parse_clock_time("23:59", false), 1439);
  EXPECT_EQ(parse_clock_time("24:00", true), 1440);
  EXPECT_FALSE(parse_clock_time("24:00", false)) << "a range cannot open at the end of the day";
  for (const char* bad : {"24:01", "25:00", "12:60", "9:30", "09:3", "0930", "09h30", "09:30:00", " 09:30", "", "ab:cd",
                          "-1:00", "09:-1"}) {
    EXPECT_FALSE(parse_clock_time(bad, true)) << bad;
  }
  EXPECT_EQ(format_clock_time(0), "00:00");
  EXPECT_EQ(format_clock_time(690), "11:30");
  EXPECT_EQ(format_clock_time(1440), "24:00");
}

// --- parsing ---

TEST(CatalogOpeningHours, ParsesSeveralRangesAndSortsThem) {
  const OpeningHours hours = parse_ok(R"({"monday": [{"opens": "18:30", "closes": "23:00"},
                                                     {"opens": "11:30", "closes": "14:30"}],
                                          "sunday": [], "tuesday": null})");
  ASSERT_EQ(hours.days[kMonday].size(), 2u);
  EXPECT_EQ(hours.days[kMonday][0], (TimeRange{690, 870}));
  EXPECT_EQ(hours.days[kMonday][1], (TimeRange{1110, 1380}));
  for (int day = 1; day < 7; ++day) EXPECT_TRUE(hours.days[day].empty()) << day;
  EXPECT_EQ(parse_ok("{}"), OpeningHours{}) << "closed every day";
}

TEST(CatalogOpeningHours, EveryProblemIsReportedWithItsPath) {
  const auto errors = problems_of(R"({
    "monday": [{"opens": "11:30", "closes": "14:30"}, {"opens": "12:00", "closes": "25:00"}],
    "tuesday": [{"opens": "9h", "closes": "12:00"}, {"closes": "13:00"}, "10:00-12:00",
                {"opens": "10:00", "closes": "10:00"}, {"opens": "10:00", "closes": "11:00", "note": "x"}],
    "funday": [],
    "wednesday": "closed",
    "thursday": [{"opens": 900, "closes": "12:00"}]
  })");
  EXPECT_TRUE(has_field(errors, "opening_hours.monday[1].closes")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.tuesday[0].opens")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.tuesday[1].opens")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.tuesday[2]")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.tuesday[3].closes")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.tuesday[4].note")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.funday")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.wednesday")) << fields(errors);
  EXPECT_TRUE(has_field(errors, "opening_hours.thursday[0].opens")) << fields(errors);
  EXPECT_FALSE(has_field(errors, "opening_hours.monday[0].closes")) << "the valid range is not blamed";
}

TEST(CatalogOpeningHours, OverlapsWithinADayAreRefused) {
  auto errors = problems_of(R"({"friday": [{"opens": "11:00", "closes": "15:00"}, {"opens": "14:00", "closes": "18:00"}]})");
  ASSERT_EQ(errors.size(), 1u) << fields(errors);
  EXPECT_EQ(errors[0].field, "opening_hours.friday[1]");
  EXPECT_EQ(errors[0].message, "overlaps friday[0] (11:00-15:00)");
  // Listed in the other order, the later one in the list is still the one blamed.
  errors = problems_of(R"({"friday": [{"opens": "14:00", "closes": "18:00"}, {"opens": "11:00", "closes": "15:00"}]})");
  ASSERT_EQ(errors.size(), 1u) << fields(errors);
  EXPECT_EQ(errors[0].field, "opening_hours.friday[1]");
  // One range inside another, and a whole day with anything else.
  EXPECT_EQ(problems_of(R"({"friday": [{"opens": "10:00", "closes": "20:00"}, {"opens": "12:00", "closes": "13:00"}]})").size(), 1u);
  EXPECT_EQ(problems_of(R"({"friday": [{"opens": "00:00", "closes": "24:00"}, {"opens": "12:00", "closes": "13:00"}]})").size(), 1u);
  // Touching is not overlapping.
  EXPECT_TRUE(problems_of(R"({"friday": [{"opens": "11:00", "closes": "15:00"}, {"opens": "15:00", "closes": "18:00"}]})").empty());
}

TEST(CatalogOpeningHours, APastMidnightRangeMustNotOverlapTheNextDay) {
  auto errors = problems_of(R"({"friday": [{"opens": "22:00", "closes": "03:00"}],
                                "saturday": [{"opens": "02:00", "closes": "12:00"}]})");
  ASSERT_EQ(errors.size(), 1u) << fields(errors);
  EXPECT_EQ(errors[0].field, "opening_hours.saturday[0]");
  EXPECT_EQ(errors[0].message, "overlaps friday[0] (22:00-03:00)");
  // Sunday night runs into Monday morning.
  errors = problems_of(R"({"monday": [{"opens": "01:00", "closes": "12:00"}],
                           "sunday": [{"opens": "22:00", "closes": "02:00"}]})");
  ASSERT_EQ(errors.size(), 1u) << fields(errors);
  EXPECT_EQ(errors[0].field, "opening_hours.sunday[0]");
  // Ending exactly when the next day opens is fine.
  EXPECT_TRUE(problems_of(R"({"friday": [{"opens": "22:00", "closes": "03:00"}],
                             "saturday": [{"opens": "03:00", "closes": "12:00"}]})")
                  .empty());
}

TEST(CatalogOpeningHours, AtMostSixRangesADay) {
  std::string ranges;
  for (int h = 0; h < 7; ++h) {
    if (h) ranges += ",";
    ranges += R"({"opens": "0)" + std::to_string(h) + R"(:00", "closes": "0)" + std::to_string(h) + R"(:30"})";
  }
  const auto errors = problems_of(R"({"monday": [)" + ranges + "]}");
  ASSERT_EQ(errors.size(), 1u) << fields(errors);
  EXPECT_EQ(errors[0].field, "opening_hours.monday");
}

// --- the compiled week and "open at" ---

TEST(CatalogOpeningHours, CompilesSeveralRangesPerDay) {
  const OpeningHours hours = parse_ok(R"({"monday": [{"opens": "11:30", "closes": "14:30"},
                                                     {"opens": "18:30", "closes": "23:00"}],
                                          "tuesday": [{"opens": "11:30", "closes": "14:30"}]})");
  const auto week = compile(hours);
  EXPECT_EQ(week, (std::vector<WeekInterval>{{690, 870}, {1110, 1380}, {2130, 2310}}));
  EXPECT_EQ(to_multirange_literal(week), "{[690,870),[1110,1380),[2130,2310)}");
  EXPECT_FALSE(is_open_at(week, minute(kMonday, "11:29")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "11:30")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "14:29")));
  EXPECT_FALSE(is_open_at(week, minute(kMonday, "14:30"))) << "closes is exclusive";
  EXPECT_FALSE(is_open_at(week, minute(kMonday, "16:00")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "18:30")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "22:59")));
  EXPECT_FALSE(is_open_at(week, minute(kMonday, "23:00")));
  EXPECT_TRUE(is_open_at(week, minute(kTuesday, "12:00")));
  EXPECT_FALSE(is_open_at(week, minute(kTuesday, "19:00")));
  EXPECT_FALSE(is_open_at(week, minute(kSaturday, "12:00")));
}

TEST(CatalogOpeningHours, PastMidnightRunsIntoTheNextDay) {
  const auto week = compile(parse_ok(R"({"friday": [{"opens": "18:00", "closes": "02:00"}]})"));
  EXPECT_EQ(week, (std::vector<WeekInterval>{{minute(4, "18:00"), minute(kSaturday, "02:00")}}));
  EXPECT_FALSE(is_open_at(week, minute(4, "17:59")));
  EXPECT_TRUE(is_open_at(week, minute(4, "23:59")));
  EXPECT_TRUE(is_open_at(week, minute(kSaturday, "00:00")));
  EXPECT_TRUE(is_open_at(week, minute(kSaturday, "01:59")));
  EXPECT_FALSE(is_open_at(week, minute(kSaturday, "02:00")));
  EXPECT_FALSE(is_open_at(week, minute(kSaturday, "18:30"))) << "Saturday has no hours of its own";
  // 00:00 after an evening opening is midnight, the same as 24:00.
  EXPECT_EQ(compile(parse_ok(R"({"friday": [{"opens": "18:00", "closes": "00:00"}]})")),
            compile(parse_ok(R"({"friday": [{"opens": "18:00", "closes": "24:00"}]})")));
}

TEST(CatalogOpeningHours, SundayNightWrapsIntoMondayMorning) {
  const auto week = compile(parse_ok(R"({"sunday": [{"opens": "20:00", "closes": "03:00"}],
                                         "monday": [{"opens": "11:00", "closes": "14:00"}]})"));
  EXPECT_EQ(week, (std::vector<WeekInterval>{{0, 180}, {660, 840}, {minute(kSunday, "20:00"), kMinutesPerWeek}}));
  EXPECT_TRUE(is_open_at(week, minute(kSunday, "23:59")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "00:00")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "02:59")));
  EXPECT_FALSE(is_open_at(week, minute(kMonday, "03:00")));
  EXPECT_TRUE(is_open_at(week, minute(kMonday, "11:00")));
  EXPECT_EQ(to_multirange_literal(week), "{[0,180),[660,840),[9840,10080)}");
}

TEST(CatalogOpeningHours, TwentyFourHoursAndAdjacentRangesMerge) {
  const auto always = compile(parse_ok(R"({
    "monday": [{"opens": "00:00", "closes": "24:00"}], "tuesday": [{"opens": "00:00", "closes": "24:00"}],
    "wednesday": [{"opens": "00:00", "closes": "24:00"}], "thursday": [{"opens": "00:00", "closes": "24:00"}],
    "friday": [{"opens": "00:00", "closes": "24:00"}], "saturday": [{"opens": "00:00", "closes": "24:00"}],
    "sunday": [{"opens": "00:00", "closes": "24:00"}]})"));
  EXPECT_EQ(always, (std::vector<WeekInterval>{{0, kMinutesPerWeek}}));
  EXPECT_TRUE(is_open_at(always, 0));
  EXPECT_TRUE(is_open_at(always, kMinutesPerWeek - 1));
  const auto late = compile(parse_ok(R"({"monday": [{"opens": "20:00", "closes": "24:00"}],
                                         "tuesday": [{"opens": "00:00", "closes": "02:00"}]})"));
  EXPECT_EQ(late, (std::vector<WeekInterval>{{1200, 1560}})) << "Monday 20:00 to Tuesday 02:00, one interval";
  EXPECT_EQ(compile(OpeningHours{}), std::vector<WeekInterval>{});
  EXPECT_EQ(to_multirange_literal({}), "{}");
  EXPECT_FALSE(is_open_at({}, 0));
}

// On a DST change day the local clock skips or repeats an hour; opening hours are wall-clock
// times, so what matters is which local minutes exist. Paris, 2026-03-29 (Sunday): 01:59 CET is
// followed by 03:00 CEST; 2026-10-25: 02:00-02:59 happens twice.
TEST(CatalogOpeningHours, DstDaysAreWallClockTimes) {
  const auto spring = compile(parse_ok(R"({"sunday": [{"opens": "01:00", "closes": "03:30"}]})"));
  EXPECT_TRUE(is_open_at(spring, minute(kSunday, "01:59"))) << "the last minute before the jump";
  EXPECT_TRUE(is_open_at(spring, minute(kSunday, "03:00"))) << "the first minute after it";
  EXPECT_FALSE(is_open_at(spring, minute(kSunday, "03:30")));
  // A range entirely inside the skipped hour is never open that day (and open on other Sundays).
  const auto skipped = compile(parse_ok(R"({"sunday": [{"opens": "02:15", "closes": "02:45"}]})"));
  EXPECT_FALSE(is_open_at(skipped, minute(kSunday, "01:59")));
  EXPECT_FALSE(is_open_at(skipped, minute(kSunday, "03:00")));
  // In autumn the repeated hour is open both times: the same local minutes come back.
  const auto autumn = compile(parse_ok(R"({"sunday": [{"opens": "02:00", "closes": "03:00"}]})"));
  EXPECT_TRUE(is_open_at(autumn, minute(kSunday, "02:30")));
  EXPECT_FALSE(is_open_at(autumn, minute(kSunday, "03:00")));
}

// --- JSON ---

TEST(CatalogOpeningHours, JsonListsEveryDayInWeekOrderAndRoundTrips) {
  const OpeningHours hours = parse_ok(R"({"sunday": [{"opens": "20:00", "closes": "03:00"}],
                                          "monday": [{"opens": "18:30", "closes": "24:00"},
                                                     {"opens": "11:30", "closes": "14:30"}]})");
  const json::object out = to_json(hours);
  EXPECT_EQ(json::serialize(out),
            R"({"monday":[{"opens":"11:30","closes":"14:30"},{"opens":"18:30","closes":"24:00"}],"tuesday":[],)"
            R"("wednesday":[],"thursday":[],"friday":[],"saturday":[],"sunday":[{"opens":"20:00","closes":"03:00"}]})");
  EXPECT_EQ(stored_opening_hours(out), hours);
  EXPECT_THROW(stored_opening_hours(json::parse(R"({"monday": "nope"})")), std::runtime_error);
  EXPECT_THROW(stored_opening_hours(json::value(42)), std::runtime_error);
}

}  // namespace
}  // namespace nelo::catalog
