#pragma once
// The opaque `cursor` of a list ordered by (timestamp, id): where the previous page stopped.
// base64url (no padding) of "<version>.<microseconds>.<uuid>"; clients treat it as opaque. The
// version names the list, so a cursor of one list is refused by another.

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace nelo::http {

struct TimeIdPosition {
  Timestamp at{};
  std::string id;  // a UUID
};

std::string encode_time_id_cursor(std::string_view version, const TimeIdPosition& position);

// nullopt for anything encode_time_id_cursor(version, ...) cannot have produced.
std::optional<TimeIdPosition> decode_time_id_cursor(std::string_view version, std::string_view text);

}  // namespace nelo::http
