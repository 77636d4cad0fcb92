#pragma once
// Field rules of the users module, shared by the request schemas and the event handler.
// Lengths count Unicode code points; the general text rules are core/text.hpp's.

#include <cstddef>
#include <string_view>

namespace nelo::users {

inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxLabelLength = 50;
inline constexpr std::size_t kMaxLineLength = 200;
inline constexpr std::size_t kMaxCityLength = 100;
inline constexpr std::size_t kMaxPostalCodeLength = 20;
inline constexpr std::size_t kMaxInstructionsLength = 500;

// The locales the platform speaks: "fr", "en".
bool is_supported_locale(std::string_view locale) noexcept;

}  // namespace nelo::users
