#pragma once
// Field rules of the orders module's requests. Lengths count Unicode code points; the general
// text rules are core/text.hpp's.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::orders {

inline constexpr std::size_t kMaxItems = 50;         // lines per order
inline constexpr int kMinQuantity = 1;
inline constexpr int kMaxQuantity = 50;              // per line
inline constexpr std::size_t kMaxNotesLength = 500;
inline constexpr std::size_t kMaxReasonLength = 500;
inline constexpr std::size_t kMaxPaymentTokenLength = 255;

// The problem with a free text (notes, a reason), or nullopt: at most `max_length` code points,
// no control characters except line breaks and tabs. Blank text is the caller's business.
std::optional<std::string> free_text_problem(std::string_view text, std::size_t max_length);

// A payment provider's token: 1..255 visible ASCII characters ("tok_1N3T00LkdIwHu7ix").
bool is_payment_token(std::string_view token) noexcept;

}  // namespace nelo::orders
