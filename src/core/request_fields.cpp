#include "core/request_fields.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace nelo {

namespace json = boost::json;

bool null_given(JsonReader& r, std::string_view name) {
  const json::value* v = r.object().if_contains(name);
  if (v && v->is_null()) {
    r.validator().add(r.field(name), "must not be null");
    return true;
  }
  return false;
}

std::optional<std::string> read_string(JsonReader& r, std::string_view name, Presence presence) {
  if (presence == Presence::Required) return r.required_string(name);
  if (presence == Presence::Patch && null_given(r, name)) return std::nullopt;
  return r.optional_string(name);
}

std::optional<std::string> read_text(JsonReader& r, std::string_view name, Presence presence, std::size_t max_length,
                                     TextKind kind) {
  auto value = read_string(r, name, presence);
  if (!value) return std::nullopt;
  std::string text(trimmed(*value));
  if (auto problem = text_problem(text, max_length, kind)) {
    r.validator().add(r.field(name), *problem);
    return std::nullopt;
  }
  return text;
}

Clearable<std::string> read_clearable_text(JsonReader& r, std::string_view name, std::size_t max_length,
                                           TextKind kind) {
  return read_clearable(r, name, [&] { return read_text(r, name, Presence::Optional, max_length, kind); });
}

std::optional<std::string> read_phone(JsonReader& r, std::string_view name, Presence presence,
                                      std::string_view example) {
  auto value = read_string(r, name, presence);
  if (value && !is_e164_phone(*value)) {
    r.validator().add(r.field(name), "must be an E.164 phone number, e.g. " + std::string(example) +
                                         " ('+' then up to 15 digits, no spaces)");
    return std::nullopt;
  }
  return value;
}

std::optional<int> read_int(JsonReader& r, std::string_view name, Presence presence, int min, int max) {
  std::optional<std::int64_t> value;
  if (presence == Presence::Required) {
    value = r.required_int(name);
  } else if (presence == Presence::Optional || !null_given(r, name)) {
    value = r.optional_int(name);
  }
  if (!value) return std::nullopt;
  if (*value < min || *value > max) {
    r.validator().add(r.field(name), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<double> read_coordinate(JsonReader& r, std::string_view name, Presence presence, double limit) {
  std::optional<double> value;
  if (presence == Presence::Required) {
    value = r.required_number(name);
  } else if (presence == Presence::Optional || !null_given(r, name)) {
    value = r.optional_number(name);
  }
  if (value && !(std::isfinite(*value) && *value >= -limit && *value <= limit)) {
    const auto bound = std::to_string(static_cast<int>(limit));
    r.validator().add(r.field(name), "must be between -" + bound + " and " + bound);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> read_bool(JsonReader& r, std::string_view name, Presence presence) {
  if (presence == Presence::Required) return r.required_bool(name);
  if (presence == Presence::Patch && null_given(r, name)) return std::nullopt;
  return r.optional_bool(name);
}

void require_some(JsonReader& r, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (r.object().contains(name)) return;
  }
  std::string list;
  for (auto name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  r.validator().add("body", "must contain at least one of: " + list);
}

void require_both_coordinates(JsonReader& r) {
  const bool lat = r.object().contains("lat");
  const bool lng = r.object().contains("lng");
  if (lat != lng) r.validator().add(r.field(lat ? "lng" : "lat"), "is required when the other coordinate is given");
}

std::size_t read_page_limit(std::optional<std::string_view> limit, Validator& validator, std::size_t default_size,
                            std::size_t max_size) {
  if (!limit) return default_size;
  std::size_t n = 0;
  const char* end = limit->data() + limit->size();
  const auto [stop, ec] = std::from_chars(limit->data(), end, n);
  if (ec == std::errc::result_out_of_range && stop == end) return max_size;
  if (ec != std::errc() || stop != end || n < 1) {
    validator.add("limit", "must be a positive integer (at most " + std::to_string(max_size) + " are returned)");
    return default_size;
  }
  return std::min(n, max_size);
}

}  // namespace nelo
