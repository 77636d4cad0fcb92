#pragma once
// Statement parameters, always sent in text format. NULL is an empty optional.

#include <boost/json/fwd.hpp>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace nelo::db {

using Param = std::optional<std::string>;
using Params = std::vector<Param>;

Param to_param(std::nullopt_t);
Param to_param(std::string_view v);
Param to_param(const std::string& v);
Param to_param(const char* v);
Param to_param(bool v);
Param to_param(std::int32_t v);
Param to_param(std::int64_t v);
Param to_param(double v);
Param to_param(Timestamp v);
Param to_param(const boost::json::value& v);    // serialized, for jsonb
Param to_param(const boost::json::object& v);   // serialized, for jsonb
Param to_param(const std::vector<std::string>& v);  // PostgreSQL array literal, for text[] / uuid[]
Param to_param(const std::vector<std::int64_t>& v);  // PostgreSQL array literal, for bigint[]
// Any other integer type (std::size_t, unsigned, long long, ...), which would otherwise be ambiguous.
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, std::int32_t> &&
           !std::same_as<T, std::int64_t>)
Param to_param(T v) {
  return std::to_string(v);
}
template <class T>
Param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : std::nullopt;
}

// db::params(id, name, 42, std::nullopt) -> Params
template <class... T>
Params params(const T&... values) {
  Params out;
  out.reserve(sizeof...(T));
  (out.push_back(to_param(values)), ...);
  return out;
}

}  // namespace nelo::db
