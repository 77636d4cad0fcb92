#include "modules/orders/api/v1/order_cursor.hpp"

#include "core/http/time_id_cursor.hpp"

namespace nelo::orders {
namespace {

constexpr std::string_view kVersion = "o1";

}  // namespace

std::string encode_order_cursor(const OrderKey& key) {
  http::TimeIdPosition position;
  position.at = key.created_at;
  position.id = key.id;
  return http::encode_time_id_cursor(kVersion, position);
}

std::optional<OrderKey> decode_order_cursor(std::string_view text) {
  auto position = http::decode_time_id_cursor(kVersion, text);
  if (!position) return std::nullopt;
  OrderKey key;
  key.created_at = position->at;
  key.id = std::move(position->id);
  return key;
}

}  // namespace nelo::orders
