#pragma once
// A merchant's weekly opening hours, as clients write them:
//   {"monday": [{"opens": "11:30", "closes": "14:30"}, {"opens": "18:30", "closes": "23:00"}], ...}
// and as the database evaluates them. Times are local wall-clock times in the merchant's time
// zone, minutes since midnight; `closes` before `opens` runs past midnight into the next day,
// `closes` 24:00 is midnight at the end of the day.
//
// "Open at instant t" is answered in one place: compile() turns the week into half-open intervals
// of minutes since Monday 00:00 local (a past-midnight Sunday range wraps into Monday morning),
// stored next to the hours as an int4multirange; PostgreSQL, which has the tz database that
// libstdc++ 12 lacks, turns t into the merchant's local minute of the week
// (catalog.week_minute, migrations/0002) and tests containment. is_open_at() is the same test in
// C++ over the same intervals, for callers that already hold the local minute.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"

namespace nelo::catalog {

inline constexpr int kMinutesPerDay = 24 * 60;
inline constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;
// A bound on what one day can list (a schedule, not a timetable).
inline constexpr std::size_t kMaxRangesPerDay = 6;

// ISO order: Monday is 0, Sunday is 6 (PostgreSQL's ISODOW minus one).
inline constexpr std::array<std::string_view, 7> kWeekdays = {"monday", "tuesday",  "wednesday", "thursday",
                                                             "friday", "saturday", "sunday"};

struct TimeRange {
  int opens = 0;   // minutes since local midnight, 0..1439
  int closes = 0;  // 0..1440; <= opens means "past midnight, into the next day"

  bool past_midnight() const noexcept { return closes <= opens; }
  bool operator==(const TimeRange&) const = default;
};

struct OpeningHours {
  std::array<std::vector<TimeRange>, 7> days;  // by kWeekdays index; empty: closed all day

  bool operator==(const OpeningHours&) const = default;
};

// [start, end) in minutes since Monday 00:00 local, 0 <= start < end <= kMinutesPerWeek.
struct WeekInterval {
  int start = 0;
  int end = 0;

  bool operator==(const WeekInterval&) const = default;
};

// "HH:MM", 24-hour, two digits each: 00:00..23:59, and 24:00 when `allow_end_of_day`.
std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day) noexcept;
// 690 -> "11:30", 1440 -> "24:00".
std::string format_clock_time(int minutes);

// Reads the opening_hours object of a request body, reporting every problem to `validator` under
// `path` ("opening_hours.monday[1].closes"): unknown days or fields, malformed times, empty ranges
// (opens == closes), too many ranges, and ranges that overlap, within a day or with the previous
// day's past-midnight range. Returns nullopt when anything was wrong.
std::optional<OpeningHours> parse_opening_hours(const boost::json::object& object, Validator& validator,
                                                const std::string& path);

// Reads hours this module stored (the to_json() form); throws std::runtime_error if they are not
// valid, which would be corrupt data rather than a client mistake.
OpeningHours stored_opening_hours(const boost::json::value& value);

// Every day present, in week order, closed days as [] (a stable shape for clients).
boost::json::object to_json(const OpeningHours& hours);

// The week's open intervals, sorted, merged where they touch or overlap.
std::vector<WeekInterval> compile(const OpeningHours& hours);

// The intervals as a PostgreSQL int4multirange literal: "{[690,870),[1110,1380)}", "{}".
std::string to_multirange_literal(const std::vector<WeekInterval>& intervals);

// Minutes since Monday 00:00 local for a local weekday (0 = Monday) and time of day.
constexpr int week_minute(int weekday, int minute_of_day) noexcept { return weekday * kMinutesPerDay + minute_of_day; }

// Whether `minute_of_week` (0..kMinutesPerWeek-1) falls in one of the compiled intervals.
bool is_open_at(const std::vector<WeekInterval>& intervals, int minute_of_week) noexcept;

}  // namespace nelo::catalog
