#pragma once
// Readers for the fields of request bodies and query strings, shared by every module's api/v1
// layer, on top of core/json.hpp's JsonReader: each reads one field, applies its rule and records
// a problem under the field's path ("min_order.amount") in the reader's Validator, so that one
// 422 lists everything wrong. Module-specific fields (money, countries...) stay in the modules.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/clearable.hpp"
#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/text.hpp"

namespace nelo {

enum class Presence {
  Required,  // POST: must be there
  Optional,  // POST: absent and null mean "none"
  Patch,     // PATCH of a field that cannot be cleared: absent leaves it, null is refused
};

// A PATCH field that may be left out but not set to null; true when it was null (reported).
bool null_given(JsonReader& r, std::string_view name);

// A plain string (not free text): absent, null and type problems handled as `presence` says.
std::optional<std::string> read_string(JsonReader& r, std::string_view name, Presence presence);

// Free text, trimmed, checked by text_problem().
std::optional<std::string> read_text(JsonReader& r, std::string_view name, Presence presence, std::size_t max_length,
                                     TextKind kind = TextKind::SingleLine);

// A PATCH field that null clears: absent -> nullopt, null -> optional(nullopt), else what
// `read()` returns for it (nullopt when invalid: `read` reports the problem).
template <class Read>
auto read_clearable(JsonReader& r, std::string_view name, Read read)
    -> Clearable<typename decltype(read())::value_type> {
  const boost::json::value* v = r.object().if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<typename decltype(read())::value_type>();
  auto value = read();
  if (!value) return std::nullopt;
  return value;
}

// read_text() of a PATCH field that null clears.
Clearable<std::string> read_clearable_text(JsonReader& r, std::string_view name, std::size_t max_length,
                                           TextKind kind = TextKind::SingleLine);

// An E.164 phone number; the message for anything else shows `example` ("+33612345678").
std::optional<std::string> read_phone(JsonReader& r, std::string_view name, Presence presence,
                                      std::string_view example);

// An integer in [min, max].
std::optional<int> read_int(JsonReader& r, std::string_view name, Presence presence, int min, int max);

// A coordinate in [-limit, limit] (90 for latitudes, 180 for longitudes).
std::optional<double> read_coordinate(JsonReader& r, std::string_view name, Presence presence, double limit);

std::optional<bool> read_bool(JsonReader& r, std::string_view name, Presence presence);

// A PATCH body names at least one of `names` (else a "body" field error).
void require_some(JsonReader& r, std::initializer_list<std::string_view> names);

// A point is moved as a whole: lat without lng (or the reverse) is an error on the missing one.
void require_both_coordinates(JsonReader& r);

// ?limit=: 1 or more, larger values are clamped to `max_size` ("as many as you allow"); absent
// is `default_size`. Records a "limit" field error and returns `default_size` when malformed.
std::size_t read_page_limit(std::optional<std::string_view> limit, Validator& validator, std::size_t default_size,
                            std::size_t max_size);

}  // namespace nelo
