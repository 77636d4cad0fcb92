#pragma once
// A minimal JSON value that a JSON Schema (the OpenAPI 3.1 subset Nelo's routes use) accepts:
// required properties only (plus declared ones up to minProperties), the first enum value, the
// smallest length and the lowest bound. Syntactically valid only: ids it invents name nothing.
//   auto body = minimal_instance(operation.at("requestBody")...at("schema"), document);

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <regex>
#include <string>

#include "core/uuid.hpp"

namespace nelo::test {

namespace schema_detail {

inline const boost::json::value* resolve(const boost::json::value& schema, const boost::json::value& document) {
  const auto* s = &schema;
  for (int hops = 0; hops < 8 && s->is_object(); ++hops) {
    const auto* ref = s->as_object().if_contains("$ref");
    if (!ref || !ref->is_string()) break;
    std::string pointer(ref->as_string());
    if (!pointer.starts_with("#")) break;
    boost::system::error_code ec;
    const auto* target = document.find_pointer(pointer.substr(1), ec);
    if (!target) break;
    s = target;
  }
  return s;
}

inline std::string string_for(const boost::json::object& s) {
  static std::atomic<unsigned> counter{0};
  std::string format = s.contains("format") && s.at("format").is_string() ? std::string(s.at("format").as_string()) : "";
  if (format == "uuid") return new_uuid();
  if (format == "email") return "schema-" + new_uuid().substr(0, 8) + "-" + std::to_string(counter++) + "@example.com";
  if (format == "date-time") return "2026-01-01T00:00:00Z";
  std::int64_t min_length = s.contains("minLength") && s.at("minLength").is_int64() ? s.at("minLength").as_int64() : 1;
  if (const auto* pattern = s.if_contains("pattern"); pattern && pattern->is_string()) {
    const std::regex re(std::string(pattern->as_string()), std::regex::ECMAScript);
    for (const char* candidate : {"x", "EUR", "FR", "12:00", "+33142685300", "Europe/Paris", "A1"}) {
      if (std::regex_search(candidate, re)) return candidate;
    }
  }
  return std::string(static_cast<std::size_t>(std::max<std::int64_t>(min_length, 1)), 'x');
}

inline double number_for(const boost::json::object& s) {
  auto bound = [&](const char* key) -> std::optional<double> {
    const auto* v = s.if_contains(key);
    if (!v || !v->is_number()) return std::nullopt;
    return v->to_number<double>();
  };
  auto min = bound("minimum");
  auto max = bound("maximum");
  if (auto ex = bound("exclusiveMinimum")) min = *ex + 1;
  if (min && max) return *min + (*max - *min) / 2;
  if (min) return *min;
  if (max) return std::min(*max, 1.0);
  return 1;
}

}  // namespace schema_detail

inline boost::json::value minimal_instance(const boost::json::value& schema_in, const boost::json::value& document,
                                           int depth = 0) {
  namespace json = boost::json;
  using namespace schema_detail;
  const auto* resolved = resolve(schema_in, document);
  if (!resolved->is_object() || depth > 16) return json::object{};
  const auto& s = resolved->as_object();
  if (const auto* examples = s.if_contains("examples"); examples && examples->is_array() && !examples->as_array().empty()) {
    return examples->as_array().front();
  }
  if (const auto* example = s.if_contains("example")) return *example;
  if (const auto* c = s.if_contains("const")) return *c;
  if (const auto* e = s.if_contains("enum"); e && e->is_array() && !e->as_array().empty()) return e->as_array().front();
  for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
    if (const auto* options = s.if_contains(combinator); options && options->is_array() && !options->as_array().empty()) {
      return minimal_instance(options->as_array().front(), document, depth + 1);
    }
  }
  std::string type = "object";
  if (const auto* t = s.if_contains("type")) {
    if (t->is_string()) type = t->as_string();
    if (t->is_array()) {
      for (const auto& each : t->as_array()) {
        if (each.is_string() && each.as_string() != "null") {
          type = each.as_string();
          break;
        }
      }
    }
  }
  if (type == "string") return json::string(string_for(s));
  if (type == "integer") return static_cast<std::int64_t>(number_for(s));
  if (type == "number") return number_for(s);
  if (type == "boolean") return true;
  if (type == "null") return nullptr;
  if (type == "array") {
    json::array out;
    std::int64_t min_items = s.contains("minItems") && s.at("minItems").is_int64() ? s.at("minItems").as_int64() : 0;
    const json::value items = s.contains("items") ? s.at("items") : json::value(json::object{});
    for (std::int64_t i = 0; i < min_items; ++i) out.push_back(minimal_instance(items, document, depth + 1));
    return out;
  }
  json::object out;
  const auto* properties = s.if_contains("properties");
  auto property = [&](std::string_view name) -> json::value {
    if (properties && properties->is_object()) {
      if (const auto* p = properties->as_object().if_contains(name)) return minimal_instance(*p, document, depth + 1);
    }
    return json::string("x");
  };
  if (const auto* required = s.if_contains("required"); required && required->is_array()) {
    for (const auto& name : required->as_array()) {
      if (name.is_string()) out[name.as_string()] = property(name.as_string());
    }
  }
  std::int64_t min_properties =
      s.contains("minProperties") && s.at("minProperties").is_int64() ? s.at("minProperties").as_int64() : 0;
  if (properties && properties->is_object()) {
    for (const auto& [name, _] : properties->as_object()) {
      if (static_cast<std::int64_t>(out.size()) >= min_properties) break;
      if (!out.contains(name)) out[name] = property(name);
    }
  }
  return out;
}

}  // namespace nelo::test
