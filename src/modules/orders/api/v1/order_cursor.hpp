#pragma once
// The opaque `cursor` of the order list: where the previous page stopped.

#include <optional>
#include <string>
#include <string_view>

#include "modules/orders/models.hpp"

namespace nelo::orders {

// base64url (no padding) of a versioned text form; clients must treat it as opaque.
std::string encode_order_cursor(const OrderKey& key);
// nullopt for anything encode_order_cursor() cannot have produced.
std::optional<OrderKey> decode_order_cursor(std::string_view text);

}  // namespace nelo::orders
