#include "modules/orders/api/v1/order_cursor.hpp"

#include <charconv>
#include <cstdint>

#include "core/security/tokens.hpp"
#include "core/uuid.hpp"

namespace nelo::orders {
namespace {

constexpr std::string_view kVersion = "o1";
constexpr char kSeparator = '.';
constexpr std::size_t kMaxLength = 128;

}  // namespace

std::string encode_order_cursor(const OrderKey& key) {
  std::string text(kVersion);
  text += kSeparator;
  text += std::to_string(key.created_at.time_since_epoch().count());
  text += kSeparator;
  text += key.id;
  return security::base64url_encode(text);
}

std::optional<OrderKey> decode_order_cursor(std::string_view text) {
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  auto decoded = security::base64url_decode(text);
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
  if (micros.empty() || ec != std::errc() || end != micros.data() + micros.size() || !is_uuid(id)) return std::nullopt;
  OrderKey key;
  key.created_at = Timestamp(std::chrono::microseconds(count));
  key.id = std::string(id);
  return key;
}

}  // namespace nelo::orders
