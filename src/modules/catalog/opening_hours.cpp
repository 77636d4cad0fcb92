#include "modules/catalog/opening_hours.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "core/json.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

// One range as the week sees it, with where it came from (for error messages).
struct Piece {
  int start = 0;
  int end = 0;
  std::size_t day = 0;
  std::size_t index = 0;  // in the request's array
};

std::string range_name(std::size_t day, std::size_t index) {
  return std::string(kWeekdays[day]) + "[" + std::to_string(index) + "]";
}

std::string describe(const TimeRange& range) {
  return format_clock_time(range.opens) + "-" + format_clock_time(range.closes);
}

// The range's place in the week; a past-midnight Sunday range wraps into Monday morning.
void add_pieces(std::vector<Piece>& out, std::size_t day, std::size_t index, const TimeRange& range) {
  const int start = static_cast<int>(day) * kMinutesPerDay + range.opens;
  const int end = static_cast<int>(day) * kMinutesPerDay + range.closes + (range.past_midnight() ? kMinutesPerDay : 0);
  if (end <= kMinutesPerWeek) {
    out.push_back({start, end, day, index});
  } else {
    out.push_back({start, kMinutesPerWeek, day, index});
    out.push_back({0, end - kMinutesPerWeek, day, index});
  }
}

std::optional<TimeRange> parse_range(const json::value& value, Validator& validator, const std::string& path) {
  const json::object* object = value.if_object();
  if (!object) {
    validator.add(path, "must be an object {\"opens\": \"HH:MM\", \"closes\": \"HH:MM\"}");
    return std::nullopt;
  }
  JsonReader r(*object, validator, path);
  r.reject_unknown({"opens", "closes"});
  const auto opens_text = r.required_string("opens");
  const auto closes_text = r.required_string("closes");
  std::optional<int> opens;
  std::optional<int> closes;
  if (opens_text) {
    opens = parse_clock_time(*opens_text, false);
    if (!opens) validator.add(r.field("opens"), "must be a time HH:MM between 00:00 and 23:59");
  }
  if (closes_text) {
    closes = parse_clock_time(*closes_text, true);
    if (!closes) validator.add(r.field("closes"), "must be a time HH:MM between 00:00 and 24:00");
  }
  if (!opens || !closes) return std::nullopt;
  if (*opens == *closes) {
    validator.add(r.field("closes"), "must differ from opens (a whole day is 00:00 to 24:00)");
    return std::nullopt;
  }
  TimeRange range;
  range.opens = *opens;
  range.closes = *closes;
  return range;
}

}  // namespace

std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day) noexcept {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59) return std::nullopt;
  if (hours == 24 && minutes == 0 && allow_end_of_day) return kMinutesPerDay;
  if (hours > 23) return std::nullopt;
  return hours * 60 + minutes;
}

std::string format_clock_time(int minutes) {
  std::string text(5, '0');
  const int hours = minutes / 60;
  const int rest = minutes % 60;
  text[0] = static_cast<char>('0' + hours / 10);
  text[1] = static_cast<char>('0' + hours % 10);
  text[2] = ':';
  text[3] = static_cast<char>('0' + rest / 10);
  text[4] = static_cast<char>('0' + rest % 10);
  return text;
}

std::optional<OpeningHours> parse_opening_hours(const json::object& object, Validator& validator,
                                                const std::string& path) {
  JsonReader r(object, validator, path);
  r.reject_unknown({kWeekdays[0], kWeekdays[1], kWeekdays[2], kWeekdays[3], kWeekdays[4], kWeekdays[5], kWeekdays[6]});

  OpeningHours hours;
  std::vector<Piece> pieces;
  bool valid = true;
  for (std::size_t day = 0; day < kWeekdays.size(); ++day) {
    const json::array* ranges = r.optional_array(kWeekdays[day]);
    if (!ranges) {
      if (const auto* v = object.if_contains(kWeekdays[day]); v && !v->is_null()) valid = false;  // wrong type
      continue;
    }
    if (ranges->size() > kMaxRangesPerDay) {
      validator.add(r.field(kWeekdays[day]), "must list at most " + std::to_string(kMaxRangesPerDay) + " ranges");
      valid = false;
      continue;
    }
    for (std::size_t i = 0; i < ranges->size(); ++i) {
      auto range = parse_range((*ranges)[i], validator, r.element(kWeekdays[day], i));
      if (!range) {
        valid = false;
        continue;
      }
      hours.days[day].push_back(*range);
      add_pieces(pieces, day, i, *range);
    }
  }
  if (!valid) return std::nullopt;

  // Overlaps, within a day or with the previous day's past-midnight range: each range is compared
  // with the one reaching furthest among those that start before it.
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
  const Piece* furthest = nullptr;
  for (const Piece& piece : pieces) {
    if (furthest && piece.start < furthest->end) {
      // Reported on the range listed later in the week; the message names the other one.
      const bool piece_later = std::tie(piece.day, piece.index) > std::tie(furthest->day, furthest->index);
      const Piece& later = piece_later ? piece : *furthest;
      const Piece& earlier = piece_later ? *furthest : piece;
      const TimeRange& other = hours.days[earlier.day][earlier.index];
      validator.add(path + "." + range_name(later.day, later.index),
                    "overlaps " + range_name(earlier.day, earlier.index) + " (" + describe(other) + ")");
      valid = false;
    }
    if (!furthest || piece.end > furthest->end) furthest = &piece;
  }
  if (!valid) return std::nullopt;

  for (auto& day : hours.days) {
    std::sort(day.begin(), day.end(), [](const TimeRange& a, const TimeRange& b) { return a.opens < b.opens; });
  }
  return hours;
}

OpeningHours stored_opening_hours(const json::value& value) {
  Validator validator;
  std::optional<OpeningHours> hours;
  if (const json::object* object = value.if_object()) hours = parse_opening_hours(*object, validator, "opening_hours");
  if (!hours) throw std::runtime_error("catalog: stored opening hours are not valid");
  return std::move(*hours);
}

json::object to_json(const OpeningHours& hours) {
  json::object out;
  for (std::size_t day = 0; day < kWeekdays.size(); ++day) {
    json::array ranges;
    for (const TimeRange& range : hours.days[day]) {
      ranges.push_back(json::object{{"opens", format_clock_time(range.opens)}, {"closes", format_clock_time(range.closes)}});
    }
    out[kWeekdays[day]] = std::move(ranges);
  }
  return out;
}

std::vector<WeekInterval> compile(const OpeningHours& hours) {
  std::vector<Piece> pieces;
  for (std::size_t day = 0; day < hours.days.size(); ++day) {
    for (std::size_t i = 0; i < hours.days[day].size(); ++i) add_pieces(pieces, day, i, hours.days[day][i]);
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
  std::vector<WeekInterval> out;
  for (const Piece& piece : pieces) {
    if (!out.empty() && piece.start <= out.back().end) {
      out.back().end = std::max(out.back().end, piece.end);
    } else {
      out.push_back({piece.start, piece.end});
    }
  }
  return out;
}

std::string to_multirange_literal(const std::vector<WeekInterval>& intervals) {
  std::string text = "{";
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    if (i) text += ',';
    text += '[';
    text += std::to_string(intervals[i].start);
    text += ',';
    text += std::to_string(intervals[i].end);
    text += ')';
  }
  text += '}';
  return text;
}

bool is_open_at(const std::vector<WeekInterval>& intervals, int minute_of_week) noexcept {
  for (const WeekInterval& interval : intervals) {
    if (minute_of_week < interval.start) return false;  // sorted: nothing later can contain it
    if (minute_of_week < interval.end) return true;
  }
  return false;
}

}  // namespace nelo::catalog
