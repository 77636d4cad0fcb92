#include "modules/users/api/v1/address_cursor.hpp"

#include <array>
#include <charconv>
#include <cstdint>

#include "core/uuid.hpp"

namespace nelo::users {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kVersion = "a1";
constexpr char kSeparator = '.';
constexpr std::size_t kMaxLength = 128;

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    buffer = (buffer << 8) | std::uint8_t(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  static const std::array<int, 256> kValue = [] {
    std::array<int, 256> value{};
    value.fill(-1);
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) value[std::uint8_t(kAlphabet[i])] = int(i);
    return value;
  }();
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const int v = kValue[std::uint8_t(c)];
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buffer >> bits) & 0xFF);
    }
  }
  // Stray low bits mean a non-canonical spelling: one cursor, one text.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string encode_address_cursor(const AddressKey& key) {
  std::string text(kVersion);
  text += kSeparator;
  text += std::to_string(key.created_at.time_since_epoch().count());
  text += kSeparator;
  text += key.id;
  return base64url_encode(text);
}

std::optional<AddressKey> decode_address_cursor(std::string_view text) {
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  auto decoded = base64url_decode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  const auto first = rest.find(kSeparator);
  if (first == std::string_view::npos || rest.substr(0, first) != kVersion) return std::nullopt;
  rest.remove_prefix(first + 1);
  const auto second = rest.find(kSeparator);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view micros = rest.substr(0, second);
  const std::string_view id = rest.substr(second + 1);
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(micros.data(), micros.data() + micros.size(), count);
  if (ec != std::errc() || end != micros.data() + micros.size() || !is_uuid(id)) return std::nullopt;
  AddressKey key;
  key.created_at = Timestamp(std::chrono::microseconds(count));
  key.id = std::string(id);
  return key;
}

}  // namespace nelo::users
