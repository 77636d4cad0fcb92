#pragma once
// Field rules of the users module, shared by the request schemas and the event handler.
// Lengths count Unicode code points (what a person sees), not bytes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::users {

inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxLabelLength = 50;
inline constexpr std::size_t kMaxLineLength = 200;
inline constexpr std::size_t kMaxCityLength = 100;
inline constexpr std::size_t kMaxPostalCodeLength = 20;
inline constexpr std::size_t kMaxInstructionsLength = 500;

// E.164: '+', a non-zero digit, then 1 to 14 more digits ("+33612345678"). No spaces or dashes:
// clients format for display, the server stores one canonical form.
bool is_e164_phone(std::string_view phone) noexcept;

// The locales the platform speaks: "fr", "en".
bool is_supported_locale(std::string_view locale) noexcept;

// Code points in valid UTF-8 (request bodies are validated UTF-8 by the JSON parser).
std::size_t utf8_length(std::string_view text) noexcept;

enum class TextKind {
  SingleLine,  // no control characters at all
  MultiLine,   // line feeds (and CR LF) allowed, other control characters not
};

// The problem with a free-text value, or nullopt when it is acceptable: not blank, at most
// `max_length` code points, no control characters (beyond line breaks for MultiLine).
std::optional<std::string> text_problem(std::string_view value, std::size_t max_length,
                                        TextKind kind = TextKind::SingleLine);

}  // namespace nelo::users
