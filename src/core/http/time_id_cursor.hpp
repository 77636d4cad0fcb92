#pragma once
// The opaque `cursor` of a list ordered by (timestamp, id): where the previous page stopped.
// base64url (no padding) of "<version>.<microseconds>.<uuid>"; clients treat it as opaque. The
// version names the list, so a cursor of one list is refused by another.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/time.hpp"

namespace nelo::http {

struct TimeIdPosition {
  Timestamp at{};
  std::string id;  // a UUID
};

std::string encode_time_id_cursor(std::string_view version, const TimeIdPosition& position);

// nullopt for anything encode_time_id_cursor(version, ...) cannot have produced.
std::optional<TimeIdPosition> decode_time_id_cursor(std::string_view version, std::string_view text);

// The cursor of one list, whose position type `Key` has `created_at` and `id` (a module's
// OrderKey, AddressKey...): `inline constexpr TimeIdCursor<OrderKey> kOrderCursor{"o1"};`.
template <class Key>
class TimeIdCursor {
 public:
  explicit constexpr TimeIdCursor(std::string_view version) : version_(version) {}

  std::string encode(const Key& key) const { return encode_time_id_cursor(version_, TimeIdPosition{key.created_at, key.id}); }

  // nullopt for anything encode() cannot have produced (another list's cursor included).
  std::optional<Key> decode(std::string_view text) const {
    auto position = decode_time_id_cursor(version_, text);
    if (!position) return std::nullopt;
    Key key;
    key.created_at = position->at;
    key.id = std::move(position->id);
    return key;
  }

 private:
  std::string_view version_;
};

}  // namespace nelo::http
