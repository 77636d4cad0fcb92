#include "modules/catalog/validation.hpp"

namespace nelo::catalog {

bool is_e164_phone(std::string_view phone) noexcept {
  if (phone.size() < 3 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9') return false;
  for (std::size_t i = 2; i < phone.size(); ++i) {
    if (phone[i] < '0' || phone[i] > '9') return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte that is not a continuation byte starts a code point
  }
  return n;
}

std::optional<std::string> text_problem(std::string_view value, std::size_t max_length, TextKind kind) {
  bool blank = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool line_break = c == '\n' || (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n');
    if ((c < 0x20 || c == 0x7F) && !(kind == TextKind::MultiLine && line_break)) {
      return std::string("must not contain control characters");
    }
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) <= 0x9F) {
      return std::string("must not contain control characters");
    }
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') blank = false;
  }
  if (blank) return std::string("must not be blank");
  if (utf8_length(value) > max_length) return "must be at most " + std::to_string(max_length) + " characters";
  return std::nullopt;
}

std::string trimmed(std::string_view value) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = value.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return std::string(value.substr(first, value.find_last_not_of(kSpace) - first + 1));
}

}  // namespace nelo::catalog
