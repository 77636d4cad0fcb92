#pragma once
// The input of the body-reader fuzz targets: a JSON document read as the server reads a request
// body (Request::json_object: strict, at most 32 levels). Its string members double as query
// parameters, so that one corpus fuzzes a module's body and query readers alike.

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/errors.hpp"
#include "core/json.hpp"

namespace nelo::fuzz {

// The object, or nullopt when the input is not one: the server answers 400 (not JSON, too deep,
// duplicate key, NUL in a key) or 422 (NUL in a string member) before any module reads it.
inline std::optional<boost::json::object> body_object(const std::uint8_t* data, std::size_t size) {
  try {
    auto value = parse_json_strict(std::string_view(reinterpret_cast<const char*>(data), size), 32);
    if (!value.is_object()) return std::nullopt;
    return std::move(value.get_object());
  } catch (const BadRequest&) {
    return std::nullopt;
  } catch (const ValidationError&) {
    return std::nullopt;
  }
}

// The member `name` as a query parameter's value: present only when it is a string.
inline std::optional<std::string_view> query(const boost::json::object& object, std::string_view name) {
  const auto* v = object.if_contains(name);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

}  // namespace nelo::fuzz
