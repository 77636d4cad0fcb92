#pragma once
// Field rules of the catalog module shared by its request schemas. Lengths count Unicode code
// points (what a person sees), not bytes; request bodies are valid UTF-8 (the JSON parser checks).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::catalog {

inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxDescriptionLength = 1000;
inline constexpr std::size_t kMaxAddressLength = 200;
inline constexpr std::size_t kMaxCategoryLength = 50;
inline constexpr std::size_t kMaxSearchLength = 100;

inline constexpr int kMaxPrepTimeMinutes = 240;
inline constexpr int kMinDeliveryRadiusM = 100;
inline constexpr int kMaxDeliveryRadiusM = 50'000;
inline constexpr int kDefaultSearchRadiusM = 5'000;
inline constexpr int kMaxSearchRadiusM = 50'000;
// Money bounds, in minor units: a product costs something, a minimum order may be zero.
inline constexpr std::int64_t kMaxPriceAmount = 100'000'000;
inline constexpr std::int64_t kMaxMinOrderAmount = 100'000'000;

// E.164: '+', a non-zero digit, then 1 to 14 more digits ("+33612345678").
bool is_e164_phone(std::string_view phone) noexcept;

std::size_t utf8_length(std::string_view text) noexcept;

enum class TextKind {
  SingleLine,  // one printable line: no control characters at all
  MultiLine,   // line feeds (and CR LF) allowed, other control characters not
};

// The problem with a free-text value, or nullopt when it is acceptable: not blank, at most
// `max_length` code points, no control characters (C0, DEL, C1) beyond line breaks for MultiLine.
std::optional<std::string> text_problem(std::string_view value, std::size_t max_length,
                                        TextKind kind = TextKind::SingleLine);

// Without surrounding white space (spaces, tabs, line breaks).
std::string trimmed(std::string_view value);

}  // namespace nelo::catalog
