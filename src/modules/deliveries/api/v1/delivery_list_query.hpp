#pragma once
// The query of the admins' delivery list, GET /api/v1/deliveries?status=&driver_id=&limit=&cursor=.

#include <cstddef>
#include <optional>
#include <string_view>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

inline constexpr std::size_t kDefaultDeliveryPageSize = 20;
inline constexpr std::size_t kMaxDeliveryPageSize = 100;

// `status`: one state or `active` (the default: neither delivered, cancelled nor failed);
// `driver_id` a UUID; `limit` 1 or more, clamped to kMaxDeliveryPageSize; `cursor` a next_cursor
// of this list. Throws ValidationError naming each bad parameter.
DeliveryListQuery parse_delivery_list_query(std::optional<std::string_view> status,
                                            std::optional<std::string_view> driver_id,
                                            std::optional<std::string_view> limit,
                                            std::optional<std::string_view> cursor);

}  // namespace nelo::deliveries
