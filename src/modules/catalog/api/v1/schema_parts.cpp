#include "modules/catalog/api/v1/schema_parts.hpp"

#include <boost/json/array.hpp>

#include "modules/catalog/currency.hpp"

namespace nelo::catalog {

namespace json = boost::json;

json::object uuid_schema(const char* description) {
  json::object s{{"type", "string"}, {"format", "uuid"}};
  if (description) s["description"] = description;
  return s;
}

json::object timestamp_schema() {
  return {{"type", "string"}, {"format", "date-time"}, {"description", "RFC 3339, UTC, milliseconds"}};
}

json::object text_schema(std::size_t max_length, const char* description) {
  json::object s{{"type", "string"}, {"minLength", 1}, {"maxLength", max_length}};
  if (description) s["description"] = description;
  return s;
}

json::object nullable_text_schema(std::size_t max_length, const char* description) {
  json::object s{{"type", json::array{"string", "null"}}, {"minLength", 1}, {"maxLength", max_length}};
  if (description) s["description"] = description;
  return s;
}

json::object integer_schema(std::int64_t minimum, std::int64_t maximum, const char* description) {
  json::object s{{"type", "integer"}, {"minimum", minimum}, {"maximum", maximum}};
  if (description) s["description"] = description;
  return s;
}

json::object money_schema(std::int64_t min_amount, std::int64_t max_amount, const char* description) {
  json::array codes;
  for (const Currency& c : accepted_currencies()) codes.emplace_back(c.code);
  json::object s{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"amount", "currency"}},
      {"properties",
       json::object{{"amount", integer_schema(min_amount, max_amount, "Integer amount in minor units (cents for EUR)")},
                    {"currency", json::object{{"enum", std::move(codes)}, {"description", "ISO 4217, upper case"}}}}}};
  if (description) s["description"] = description;
  return s;
}

json::object page_schema(json::value item) {
  return {{"type", "object"},
          {"required", json::array{"items", "next_cursor"}},
          {"properties",
           json::object{{"items", json::object{{"type", "array"}, {"items", std::move(item)}}},
                        {"next_cursor", json::object{{"type", json::array{"string", "null"}},
                                                     {"description", "Pass back as ?cursor= ; null on the last page"}}}}}};
}

}  // namespace nelo::catalog
