#include "modules/users/api/v1/address_cursor.hpp"

#include "core/http/time_id_cursor.hpp"

namespace nelo::users {
namespace {

constexpr std::string_view kVersion = "a1";

}  // namespace

std::string encode_address_cursor(const AddressKey& key) {
  http::TimeIdPosition position;
  position.at = key.created_at;
  position.id = key.id;
  return http::encode_time_id_cursor(kVersion, position);
}

std::optional<AddressKey> decode_address_cursor(std::string_view text) {
  auto position = http::decode_time_id_cursor(kVersion, text);
  if (!position) return std::nullopt;
  AddressKey key;
  key.created_at = position->at;
  key.id = std::move(position->id);
  return key;
}

}  // namespace nelo::users
