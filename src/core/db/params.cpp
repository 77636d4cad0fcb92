#include "core/db/params.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>

namespace nelo::db {

Param to_param(std::nullopt_t) { return std::nullopt; }
Param to_param(std::string_view v) { return std::string(v); }
Param to_param(const std::string& v) { return v; }
Param to_param(const char* v) { return v ? Param(std::string(v)) : std::nullopt; }
Param to_param(bool v) { return std::string(v ? "true" : "false"); }
Param to_param(std::int32_t v) { return std::to_string(v); }
Param to_param(std::int64_t v) { return std::to_string(v); }

Param to_param(double v) {
  // PostgreSQL spells the special values this way; the shortest round-trip form for the rest.
  if (std::isnan(v)) return std::string("NaN");
  if (std::isinf(v)) return std::string(v > 0 ? "Infinity" : "-Infinity");
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

Param to_param(Timestamp v) { return to_rfc3339(v); }
Param to_param(const boost::json::value& v) { return boost::json::serialize(v); }
Param to_param(const boost::json::object& v) { return boost::json::serialize(v); }

Param to_param(const std::vector<std::string>& v) {
  // Every element is double-quoted, so commas, braces, spaces and the word NULL stay data;
  // inside the quotes only '"' and '\' need a backslash.
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : v[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Param to_param(const std::vector<std::int64_t>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(v[i]);
  }
  out += '}';
  return out;
}

}  // namespace nelo::db
