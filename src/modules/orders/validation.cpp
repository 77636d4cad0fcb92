#include "modules/orders/validation.hpp"

namespace nelo::orders {

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte that is not a continuation byte starts a code point
  }
  return n;
}

std::string trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return std::string(text.substr(first, text.find_last_not_of(kSpace) - first + 1));
}

std::optional<std::string> free_text_problem(std::string_view text, std::size_t max_length) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line_break = c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
    if ((c < 0x20 && c != '\t' && !line_break) || c == 0x7F) return std::string("must not contain control characters");
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return std::string("must not contain control characters");
    }
  }
  if (utf8_length(text) > max_length) return "must be at most " + std::to_string(max_length) + " characters";
  return std::nullopt;
}

bool is_payment_token(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxPaymentTokenLength) return false;
  for (unsigned char c : token) {
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

}  // namespace nelo::orders
