#pragma once
// Reading the fields the simulator needs from the server's answers, leniently: a missing or
// mistyped field reads as empty, and the caller decides whether that is an error.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace nelo::app::demo::sim {

// The body as JSON; null when it is not.
inline boost::json::value parse_body(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  return ec ? boost::json::value() : value;
}

inline const boost::json::value* field(const boost::json::value& v, std::string_view name) {
  return v.is_object() ? v.as_object().if_contains(name) : nullptr;
}

inline std::string text_of(const boost::json::value& v, std::string_view name) {
  const auto* f = field(v, name);
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

inline double number_of(const boost::json::value& v, std::string_view name, double otherwise = 0) {
  const auto* f = field(v, name);
  if (!f) return otherwise;
  if (f->is_double()) return f->as_double();
  if (f->is_int64()) return static_cast<double>(f->as_int64());
  if (f->is_uint64()) return static_cast<double>(f->as_uint64());
  return otherwise;
}

inline bool flag_of(const boost::json::value& v, std::string_view name) {
  const auto* f = field(v, name);
  return f && f->is_bool() && f->as_bool();
}

// The "items" of a list answer; empty when there are none (or no such member).
inline boost::json::array items_of(const boost::json::value& v) {
  const auto* f = field(v, "items");
  return f && f->is_array() ? f->as_array() : boost::json::array();
}

}  // namespace nelo::app::demo::sim
