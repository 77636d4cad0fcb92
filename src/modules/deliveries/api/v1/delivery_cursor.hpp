#pragma once
// The opaque `cursor` of the admin delivery list: where the previous page stopped.

#include "core/http/time_id_cursor.hpp"
#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

inline constexpr http::TimeIdCursor<DeliveryKey> kDeliveryCursor{"d1"};

}  // namespace nelo::deliveries
