#pragma once
// Request and response bodies of /api/v1/users: strict parsing into validated domain values
// (every problem reported at once as a 422), JSON serialization, and their OpenAPI schemas.
// Unknown fields are refused, never ignored: a body cannot set ids, owners, roles or e-mail.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "modules/users/models.hpp"

namespace nelo::users {

inline constexpr std::size_t kDefaultPageSize = 20;
inline constexpr std::size_t kMaxPageSize = 100;

// PATCH /users/me: {name?, phone?, locale?}; null clears phone; at least one field.
ProfilePatch parse_profile_patch(const boost::json::object& body);
// POST /users/me/addresses.
NewAddress parse_new_address(const boost::json::object& body);
// PATCH /users/me/addresses/{id}: any subset of the fields, at least one; null clears line2 and
// instructions; lat and lng change together.
AddressPatch parse_address_patch(const boost::json::object& body);

struct PageRequest {
  std::size_t limit = kDefaultPageSize;
  std::optional<AddressKey> after;
};
// ?limit= (1 or more, larger values are clamped to kMaxPageSize) and ?cursor=.
PageRequest parse_page_request(std::optional<std::string_view> limit, std::optional<std::string_view> cursor);

// RFC 3339 UTC to the millisecond: "2026-11-25T14:03:27.512Z" (docs/api/README.md).
std::string format_timestamp(Timestamp t);

boost::json::object to_json(const Profile& profile);
boost::json::object to_json(const Address& address);
boost::json::object to_json(const AddressPage& page);

// OpenAPI 3.1 (JSON Schema) descriptions of the bodies above.
boost::json::value profile_schema();
boost::json::value profile_patch_schema();
boost::json::value address_schema();
boost::json::value new_address_schema();
boost::json::value address_patch_schema();
boost::json::value address_page_schema();

}  // namespace nelo::users
