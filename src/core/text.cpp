#include "core/text.hpp"

namespace nelo {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

}  // namespace

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte that is not a continuation byte starts a code point
  }
  return n;
}

std::string_view trimmed(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

bool is_blank(std::string_view text) noexcept { return text.find_first_not_of(kSpace) == std::string_view::npos; }

bool is_e164_phone(std::string_view phone) noexcept {
  // ^\+[1-9][0-9]{1,14}$
  if (phone.size() < 3 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9') return false;
  for (std::size_t i = 2; i < phone.size(); ++i) {
    if (phone[i] < '0' || phone[i] > '9') return false;
  }
  return true;
}

bool has_control_characters(std::string_view text, TextKind kind) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line_break = c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
    const bool allowed = (kind != TextKind::SingleLine && line_break) || (kind == TextKind::MultiLineWithTabs && c == '\t');
    if ((c < 0x20 || c == 0x7F) && !allowed) return true;
    // C1 controls U+0080..U+009F are encoded C2 80..C2 9F.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
  }
  return false;
}

std::optional<std::string> length_problem(std::string_view text, std::size_t max_length) {
  if (utf8_length(text) > max_length) return "must be at most " + std::to_string(max_length) + " characters";
  return std::nullopt;
}

std::optional<std::string> text_problem(std::string_view text, std::size_t max_length, TextKind kind) {
  if (has_control_characters(text, kind)) return std::string("must not contain control characters");
  if (is_blank(text)) return std::string("must not be blank");
  return length_problem(text, max_length);
}

}  // namespace nelo
