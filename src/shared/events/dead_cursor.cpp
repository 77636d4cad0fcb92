#include "shared/events/dead_cursor.hpp"

#include <charconv>

#include "core/security/tokens.hpp"
#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

constexpr std::string_view kVersion = "d1";
constexpr char kSeparator = '\n';  // cannot occur in a module name

std::optional<std::string_view> next_field(std::string_view& rest) {
  const auto pos = rest.find(kSeparator);
  if (pos == std::string_view::npos) return std::nullopt;
  auto field = rest.substr(0, pos);
  rest.remove_prefix(pos + 1);
  return field;
}

}  // namespace

std::string encode_dead_cursor(const DeadCursor& cursor) {
  std::string text;
  text += kVersion;
  text += kSeparator;
  text += cursor.publisher;
  text += kSeparator;
  text += std::to_string(cursor.seq);
  text += kSeparator;
  text += cursor.subscriber;
  return security::base64url_encode(text);
}

std::optional<DeadCursor> decode_dead_cursor(std::string_view text) {
  constexpr std::size_t kMaxLength = 512;
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  auto decoded = security::base64url_decode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  auto version = next_field(rest);
  auto publisher = next_field(rest);
  auto seq = next_field(rest);
  if (!version || *version != kVersion || !publisher || !seq) return std::nullopt;
  std::string_view subscriber = rest;
  if (!is_valid_module_name(*publisher) || !is_valid_module_name(subscriber)) return std::nullopt;
  DeadCursor cursor;
  const auto [end, ec] = std::from_chars(seq->data(), seq->data() + seq->size(), cursor.seq);
  if (ec != std::errc() || end != seq->data() + seq->size() || cursor.seq < 0) return std::nullopt;
  cursor.publisher = std::string(*publisher);
  cursor.subscriber = std::string(subscriber);
  return cursor;
}

}  // namespace nelo::events
