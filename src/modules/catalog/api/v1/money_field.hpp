#pragma once
// The catalog's own request field reader (money in an accepted currency), on top of the shared
// readers of core/request_fields.hpp.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "modules/catalog/models.hpp"

namespace nelo::catalog {

// {"amount": <integer minor units in [min_amount, max_amount]>, "currency": <accepted ISO 4217>}.
std::optional<Money> read_money(JsonReader& r, std::string_view name, Presence presence, std::int64_t min_amount,
                                std::int64_t max_amount);

}  // namespace nelo::catalog
