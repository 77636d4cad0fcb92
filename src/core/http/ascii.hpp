#pragma once
// ASCII case folding for HTTP tokens (header names, media types, auth schemes): locale-free.

#include <string>
#include <string_view>

namespace nelo::http {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline void ascii_lower_in_place(std::string& s) noexcept {
  for (char& c : s) c = ascii_lower(c);
}

}  // namespace nelo::http
