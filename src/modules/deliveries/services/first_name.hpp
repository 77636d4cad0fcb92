#pragma once
// The first word of a person's name: what a driver, a customer or a merchant is shown of another.

#include <string>
#include <string_view>

namespace nelo::deliveries {

inline std::string first_name(std::string_view name) {
  const auto start = name.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  const auto end = name.find_first_of(" \t", start);
  return std::string(name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

}  // namespace nelo::deliveries
