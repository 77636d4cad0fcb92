#pragma once
// The opaque `cursor` of the address list: where the previous page stopped.

#include "core/http/time_id_cursor.hpp"
#include "modules/users/models.hpp"

namespace nelo::users {

inline constexpr http::TimeIdCursor<AddressKey> kAddressCursor{"a1"};

}  // namespace nelo::users
