#pragma once
// What the modules that follow orders (payments, deliveries, notifications) may ask it.
// Implemented in-process by modules/orders/services/order_directory. State changes are NOT part
// of this interface: those modules publish events (payment.authorized, delivery.picked_up, ...)
// and the orders module reacts to them through the bus.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <optional>
#include <string>

#include "shared/interfaces/money.hpp"

namespace nelo {

struct GeoPointDto {
  double lat = 0;
  double lng = 0;
  bool operator==(const GeoPointDto&) const = default;
};

// An order as other modules see it: who, from where to where, how much, in which state.
struct OrderSummaryDto {
  std::string id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;  // the merchant user who owns the shop (sees the order)
  std::string status;          // pending_payment | placed | accepted | preparing | ready_for_pickup
                               // | picked_up | delivered | rejected | cancelled
  std::string payment_method;  // "card" | "cash"
  Money total;
  GeoPointDto pickup;          // merchant location snapshot
  GeoPointDto dropoff;         // delivery address snapshot
  std::string created_at;      // RFC 3339 (milliseconds)

  bool operator==(const OrderSummaryDto&) const = default;
};

class OrderInterface {
 public:
  virtual ~OrderInterface() = default;

  // The order, or nullopt for an unknown or malformed id.
  virtual boost::asio::awaitable<std::optional<OrderSummaryDto>> get_order(std::string order_id) = 0;
};

void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const GeoPointDto& point);
GeoPointDto tag_invoke(const boost::json::value_to_tag<GeoPointDto>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const OrderSummaryDto& order);
OrderSummaryDto tag_invoke(const boost::json::value_to_tag<OrderSummaryDto>&, const boost::json::value& in);

}  // namespace nelo
