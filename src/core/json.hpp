#pragma once
// Strict JSON parsing for request bodies, and small readers that turn a parsed object into a DTO
// while collecting every field problem in a nelo::Validator (one 422 listing them all).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace nelo {

// Parses exactly one JSON document. Throws BadRequest on malformed input, trailing garbage,
// nesting deeper than max_depth, or an object with the same key twice (whose meaning would
// otherwise depend on the parser: RFC 8259 section 4).
boost::json::value parse_json_strict(std::string_view text, std::size_t max_depth = 32);

// Reads the fields of one JSON object. Missing or null optional fields are std::nullopt; a
// missing required field or a field of the wrong type records a FieldError named by its path
// ("items[2].quantity") and returns std::nullopt, so a DTO can be read in one pass and
// Validator::throw_if_invalid() reports every problem at once.
class JsonReader {
 public:
  // path: where this object sits in the document ("" for the body itself, "items[2]" nested).
  JsonReader(const boost::json::object& object, Validator& validator, std::string path = {});

  std::optional<std::string> required_string(std::string_view name);
  std::optional<std::string> optional_string(std::string_view name);
  // Integers only: 2.0 and "2" are rejected (money and quantities are exact).
  std::optional<std::int64_t> required_int(std::string_view name);
  std::optional<std::int64_t> optional_int(std::string_view name);
  // Any JSON number (coordinates, ratios).
  std::optional<double> required_number(std::string_view name);
  std::optional<double> optional_number(std::string_view name);
  std::optional<bool> required_bool(std::string_view name);
  std::optional<bool> optional_bool(std::string_view name);
  const boost::json::object* required_object(std::string_view name);
  const boost::json::object* optional_object(std::string_view name);
  const boost::json::array* required_array(std::string_view name);
  const boost::json::array* optional_array(std::string_view name);

  // Records "unknown field" for every key not in `allowed` (typos must not be silently ignored).
  void reject_unknown(std::initializer_list<std::string_view> allowed);

  // Path of a field of this object, and of an element of one of its arrays, for nested readers
  // and for errors found after reading (e.g. a value out of range).
  std::string field(std::string_view name) const;
  std::string element(std::string_view name, std::size_t index) const;

  const boost::json::object& object() const noexcept { return object_; }
  Validator& validator() noexcept { return validator_; }

 private:
  // The value, or null when absent/null (recording "is required" when `required`).
  const boost::json::value* find(std::string_view name, bool required);
  void wrong_type(std::string_view name, std::string_view expected);

  const boost::json::object& object_;
  Validator& validator_;
  std::string path_;
};

// A value or JSON null: API output writes absent values as null rather than omitting them.
boost::json::value nullable(const std::optional<std::string>& value);

}  // namespace nelo
