#pragma once
// The opaque `cursor` of the address list: where the previous page stopped.

#include <optional>
#include <string>
#include <string_view>

#include "modules/users/models.hpp"

namespace nelo::users {

// base64url (no padding) of a versioned text form; clients must treat it as opaque.
std::string encode_address_cursor(const AddressKey& key);
// nullopt for anything encode_address_cursor() cannot have produced.
std::optional<AddressKey> decode_address_cursor(std::string_view text);

}  // namespace nelo::users
