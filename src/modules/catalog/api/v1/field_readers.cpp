#include "modules/catalog/api/v1/field_readers.hpp"

#include <boost/json/value.hpp>

#include <cmath>

#include "modules/catalog/currency.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

// A PATCH field that may be left out but not set to null; true when it was null (reported).
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

std::string accepted_currency_list() {
  std::string list;
  for (const Currency& c : accepted_currencies()) {
    if (!list.empty()) list += ", ";
    list += c.code;
  }
  return list;
}

}  // namespace

std::optional<std::string> read_text(JsonReader& r, std::string_view name, Presence presence, std::size_t max_length,
                                     TextKind kind) {
  auto value = read_string(r, name, presence);
  if (!value) return std::nullopt;
  std::string text = trimmed(*value);
  if (auto problem = text_problem(text, max_length, kind)) {
    r.validator().add(r.field(name), *problem);
    return std::nullopt;
  }
  return text;
}

Clearable<std::string> read_clearable_text(JsonReader& r, std::string_view name, std::size_t max_length,
                                           TextKind kind) {
  const json::value* v = r.object().if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<std::string>();
  auto value = read_text(r, name, Presence::Optional, max_length, kind);
  if (!value) return std::nullopt;  // invalid: already reported
  return value;
}

std::optional<std::string> read_phone(JsonReader& r, std::string_view name, Presence presence) {
  auto value = read_string(r, name, presence);
  if (value && !is_e164_phone(*value)) {
    r.validator().add(r.field(name),
                      "must be an E.164 phone number, e.g. +33142685300 ('+' then up to 15 digits, no spaces)");
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

std::optional<Money> read_money(JsonReader& r, std::string_view name, Presence presence, std::int64_t min_amount,
                                std::int64_t max_amount) {
  const json::object* object = nullptr;
  if (presence == Presence::Required) {
    object = r.required_object(name);
  } else if (presence == Presence::Optional || !null_given(r, name)) {
    object = r.optional_object(name);
  }
  if (!object) return std::nullopt;
  JsonReader m(*object, r.validator(), r.field(name));
  m.reject_unknown({"amount", "currency"});
  const auto amount = m.required_int("amount");
  const auto currency = m.required_string("currency");
  bool valid = amount && currency;
  if (amount && (*amount < min_amount || *amount > max_amount)) {
    m.validator().add(m.field("amount"), "must be an integer number of minor units between " +
                                             std::to_string(min_amount) + " and " + std::to_string(max_amount));
    valid = false;
  }
  if (currency && !find_currency(*currency)) {
    m.validator().add(m.field("currency"),
                      "must be an ISO 4217 code in upper case, one of: " + accepted_currency_list());
    valid = false;
  }
  if (!valid) return std::nullopt;
  Money money;
  money.amount = *amount;
  money.currency = *currency;
  return money;
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

}  // namespace nelo::catalog
