#pragma once
// The opaque `cursor` of the order list: where the previous page stopped.

#include "core/http/time_id_cursor.hpp"
#include "modules/orders/models.hpp"

namespace nelo::orders {

inline constexpr http::TimeIdCursor<OrderKey> kOrderCursor{"o1"};

}  // namespace nelo::orders
