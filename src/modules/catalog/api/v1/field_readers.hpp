#pragma once
// Readers for the fields of the catalog's request bodies, on top of core/json.hpp's JsonReader:
// each reads one field, applies its rule and records a problem under the field's path
// ("min_order.amount") in the reader's Validator, so that one 422 lists everything wrong.

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "modules/catalog/models.hpp"
#include "modules/catalog/validation.hpp"

namespace nelo::catalog {

enum class Presence {
  Required,  // POST: must be there
  Optional,  // POST: absent and null mean "none"
  Patch,     // PATCH of a field that cannot be cleared: absent leaves it, null is refused
};

// Free text, trimmed, checked by text_problem().
std::optional<std::string> read_text(JsonReader& r, std::string_view name, Presence presence, std::size_t max_length,
                                     TextKind kind = TextKind::SingleLine);

// A PATCH text field that null clears: absent -> nullopt, null -> optional(nullopt), else the value.
Clearable<std::string> read_clearable_text(JsonReader& r, std::string_view name, std::size_t max_length,
                                           TextKind kind = TextKind::SingleLine);

std::optional<std::string> read_phone(JsonReader& r, std::string_view name, Presence presence);

// An integer in [min, max].
std::optional<int> read_int(JsonReader& r, std::string_view name, Presence presence, int min, int max);

// A coordinate in [-limit, limit] (90 for latitudes, 180 for longitudes).
std::optional<double> read_coordinate(JsonReader& r, std::string_view name, Presence presence, double limit);

std::optional<bool> read_bool(JsonReader& r, std::string_view name, Presence presence);

// {"amount": <integer minor units in [min_amount, max_amount]>, "currency": <accepted ISO 4217>}.
std::optional<Money> read_money(JsonReader& r, std::string_view name, Presence presence, std::int64_t min_amount,
                                std::int64_t max_amount);

// A PATCH body names at least one of `names` (else a "body" field error).
void require_some(JsonReader& r, std::initializer_list<std::string_view> names);

// A point is moved as a whole: lat without lng (or the reverse) is an error on the missing one.
void require_both_coordinates(JsonReader& r);

}  // namespace nelo::catalog
