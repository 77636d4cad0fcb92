#include "modules/orders/validation.hpp"

#include "core/text.hpp"

namespace nelo::orders {

std::optional<std::string> free_text_problem(std::string_view text, std::size_t max_length) {
  if (has_control_characters(text, TextKind::MultiLineWithTabs)) return std::string("must not contain control characters");
  return length_problem(text, max_length);
}

bool is_payment_token(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxPaymentTokenLength) return false;
  for (unsigned char c : token) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

}  // namespace nelo::orders
