#pragma once
// Values made from a JSON Schema, for the schema-driven probe (tests/probe): random valid values,
// and hostile ones that break the schema in every way it can be broken. Covers the OpenAPI 3.1
// subset Nelo's routes use: type (also a list of types), enum, properties, required,
// additionalProperties, minProperties, dependentRequired, items, minItems, maxItems, uniqueItems,
// minimum, maximum, minLength, maxLength, pattern (simple ones: classes, groups with |, {n,m}),
// format (uuid, email, date-time).
//   std::mt19937_64 rng(seed);
//   SchemaValues values(rng, {{"merchant", merchant_id}});
//   json::value body = values.valid(schema);                   // random, valid
//   for (auto& b : values.hostile_bodies(schema)) send(b.text);  // each breaks one thing
// Hostile values are raw JSON text: some cannot be a json::value (invalid UTF-8, numbers beyond
// a double, nesting deeper than any parser allows).

#include <boost/json/value.hpp>

#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::test {

// Ids of real objects by the noun that names them ("merchant", "product", "order", "address",
// "user"): a property or parameter named `<noun>_id`, or a path parameter after `<noun>s/`,
// takes the known id.
using KnownIds = std::map<std::string, std::string>;

struct HostileValue {
  std::string label;  // what it breaks, e.g. "string longer than maxLength 100"
  std::string json;   // raw JSON text
};

struct HostileBody {
  std::string label;  // where and what, e.g. "$.min_order.amount: above maximum 100000000"
  std::string text;   // the whole body
};

// The "type" keyword as a list (empty: any type, e.g. an enum-only schema).
std::vector<std::string> schema_types(const boost::json::value& schema);

// The noun a name refers to: "merchant_id" -> "merchant", "addresses" -> "address",
// "merchants" -> "merchant"; empty when it names none.
std::string noun_of(std::string_view name);

class SchemaValues {
 public:
  // `examples`: a value to use for a string property of that name that the schema alone cannot
  // describe (e.g. "time_zone": an IANA name), so that some random bodies get past validation.
  SchemaValues(std::mt19937_64& rng, KnownIds ids, std::map<std::string, std::string> examples = {});

  // A random value valid against `schema`. `name`: the property or parameter it is for. `full`:
  // every optional property present, non-null and arrays with at least one item (the base that
  // hostile_bodies breaks one part of at a time).
  boost::json::value valid(const boost::json::value& schema, std::string_view name = {}, bool full = false);

  // Values `schema` refuses (wrong types, out of bounds, too short or long, not matching the
  // pattern, enum or format) and text no field should take badly (invalid UTF-8, NUL, control
  // characters, huge numbers, deep nesting).
  std::vector<HostileValue> hostile(const boost::json::value& schema);

  // Bodies for an operation whose request body is `schema`: the full valid body with one part
  // broken at a time (every value at every depth gets each of its hostile values; each required
  // property missing; an unknown property), and bodies that are not this schema at all
  // (malformed JSON, wrong top-level types, duplicate keys, a byte-order mark).
  std::vector<HostileBody> hostile_bodies(const boost::json::value& schema);

  // A string matching a simple regular expression.
  std::string matching(std::string_view pattern);
  std::string uuid();

 private:
  std::string text(std::size_t min_length, std::size_t max_length);
  std::string known_id(std::string_view name);
  std::size_t pick(std::size_t low, std::size_t high);  // uniform in [low, high]

  std::mt19937_64& rng_;
  KnownIds ids_;
  std::map<std::string, std::string> examples_;
  unsigned emails_ = 0;
};

}  // namespace nelo::test
