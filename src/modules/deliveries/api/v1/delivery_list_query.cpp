#include "modules/deliveries/api/v1/delivery_list_query.hpp"

#include <string>

#include "core/errors.hpp"
#include "core/request_fields.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/api/v1/delivery_cursor.hpp"
#include "modules/deliveries/names.hpp"

namespace nelo::deliveries {

DeliveryListQuery parse_delivery_list_query(std::optional<std::string_view> status,
                                            std::optional<std::string_view> driver_id,
                                            std::optional<std::string_view> limit,
                                            std::optional<std::string_view> cursor) {
  Validator v;
  DeliveryListQuery query;
  if (status && !status->empty() && *status != "active") {
    query.status = parse_delivery_status(*status);
    if (!query.status) {
      std::string allowed = "active";
      for (DeliveryStatus s : kAllStatuses) allowed += ", " + std::string(to_string(s));
      v.add("status", "must be one of: " + allowed);
    }
  }
  if (driver_id && !driver_id->empty()) {
    if (is_uuid(*driver_id)) {
      query.driver_id = std::string(*driver_id);
    } else {
      v.add("driver_id", "must be a user id (UUID)");
    }
  }
  query.limit = read_page_limit(limit, v, kDefaultDeliveryPageSize, kMaxDeliveryPageSize);
  if (cursor && !cursor->empty()) {
    query.after = kDeliveryCursor.decode(*cursor);
    if (!query.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return query;
}

}  // namespace nelo::deliveries
