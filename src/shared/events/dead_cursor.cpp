#include "shared/events/dead_cursor.hpp"

#include <array>
#include <charconv>

#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kVersion = "d1";
constexpr char kSeparator = '\n';  // cannot occur in a module name

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                   std::uint32_t(std::uint8_t(in[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const auto rest = in.size() - i; rest > 0) {
    auto n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) value[std::uint8_t(kAlphabet[i])] = int(i);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value[std::uint8_t(c)];
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buffer >> bits) & 0xFF);
    }
  }
  // Non-canonical encodings (stray low bits) are rejected so each cursor has one spelling.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

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
  return base64url_encode(text);
}

std::optional<DeadCursor> decode_dead_cursor(std::string_view text) {
  constexpr std::size_t kMaxLength = 512;
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  auto decoded = base64url_decode(text);
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
