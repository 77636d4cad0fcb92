#pragma once
// What other modules may ask the deliveries module: the delivery of an order and its driver.
// Implemented in-process by modules/deliveries/services/delivery_directory. A process that does
// not serve deliveries hands callers a null pointer; they treat the delivery part of what they
// compose as unavailable (never an error).

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nelo {

struct DriverSummaryDto {
  std::string id;
  std::string name;
  std::optional<std::string> phone;

  bool operator==(const DriverSummaryDto&) const = default;
};

struct DeliverySummaryDto {
  std::string id;
  std::string order_id;
  std::string status;  // deliveries' own state names
  std::optional<DriverSummaryDto> driver;
  std::optional<std::string> estimated_arrival;  // RFC 3339, null when unknown
  // The proof-of-delivery PIN. Only the order's customer may be shown it: callers composing a
  // view for anyone else drop it.
  std::optional<std::string> pin;

  bool operator==(const DeliverySummaryDto&) const = default;
};

// Who a viewer may watch live: the driver holding the delivery.
struct PositionWatchDto {
  std::string delivery_id;
  std::string order_id;
  std::string driver_id;

  bool operator==(const PositionWatchDto&) const = default;
};

class DeliveryInterface {
 public:
  virtual ~DeliveryInterface() = default;

  // The delivery of an order, or nullopt when none was created yet.
  virtual boost::asio::awaitable<std::optional<DeliverySummaryDto>> get_delivery_for_order(std::string order_id) = 0;

  // Whether the user `viewer_id` (holding `roles`) may see the position of the delivery's driver
  // now, by the tracking rules (docs/api/deliveries.md: its customer, its driver and admins, only
  // while a driver holds it; its merchant never): the driver to watch, or nullopt (unknown
  // delivery, someone else's, or outside the privacy window).
  virtual boost::asio::awaitable<std::optional<PositionWatchDto>> position_watch(std::string delivery_id,
                                                                                std::string viewer_id,
                                                                                std::vector<std::string> roles) = 0;
};

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const DeliverySummaryDto& delivery);
DeliverySummaryDto tag_invoke(const boost::json::value_to_tag<DeliverySummaryDto>&, const boost::json::value& in);

}  // namespace nelo
