#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_word_char(char c) { return is_lower(c) || (c >= '0' && c <= '9') || c == '_'; }

// A snake_case word: starts with a letter, no leading/trailing/double underscore.
bool is_word(std::string_view w) {
  if (w.empty() || !is_lower(w.front()) || w.back() == '_') return false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!is_word_char(w[i])) return false;
    if (w[i] == '_' && i + 1 < w.size() && w[i + 1] == '_') return false;
  }
  return true;
}

}  // namespace

bool is_valid_event_name(std::string_view name) {
  constexpr std::size_t kMaxLength = 100;
  if (name.size() > kMaxLength) return false;
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || name.find('.', dot + 1) != std::string_view::npos) return false;
  return is_word(name.substr(0, dot)) && is_word(name.substr(dot + 1));
}

bool is_valid_module_name(std::string_view name) {
  // PostgreSQL truncates identifiers at 63 bytes; the role adds "nelo_".
  constexpr std::size_t kMaxLength = 63 - 5;
  if (name.empty() || name.size() > kMaxLength || !is_lower(name.front())) return false;
  for (char c : name) {
    if (!is_word_char(c)) return false;
  }
  return true;
}

}  // namespace nelo::events
