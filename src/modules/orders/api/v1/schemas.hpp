#pragma once
// Request and response bodies of /api/v1/orders: strict parsing into checked request types
// (every problem reported at once as a 422), JSON text of the responses, and their OpenAPI schemas.
// Unknown fields are refused, never ignored: a body cannot set a price, a total, a status or
// whose order it is; the server computes and decides those.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "modules/orders/models.hpp"
#include "modules/orders/services/order_queries.hpp"

namespace nelo::orders {

inline constexpr std::size_t kDefaultPageSize = 20;
inline constexpr std::size_t kMaxPageSize = 100;

enum class RequestKind {
  Quote,  // payment optional
  Place,  // payment required
};

// POST /orders and /orders/quote: {merchant_id, items: [{product_id, quantity}], address_id,
// payment: {method: "card", token} | {method: "cash"}, notes?}. Ids are returned in lower case.
// Duplicate product lines are refused (one line per product, with its quantity).
OrderRequest parse_order_request(const boost::json::object& body, RequestKind kind);

// POST /orders/{id}/reject {reason} (required) and /cancel {reason?} (optional, and so is the body).
std::optional<std::string> parse_reason(const boost::json::object& body, bool required);

// GET /orders?status=&limit=&cursor=: limit 1 or more (values above kMaxPageSize are clamped).
OrderListQuery parse_list_query(std::optional<std::string_view> status, std::optional<std::string_view> limit,
                                std::optional<std::string_view> cursor);

// The response bodies, written straight to JSON text (JsonWriter): an order is the most read
// thing on the platform (a customer's app polls it while waiting), and building it as a tree of
// boost::json values first cost more CPU than the rest of GET /orders/{id}.
std::string to_json_text(const Order& order);
std::string to_json_text(const Quote& quote);
std::string to_json_text(const OrderDetails& details);
std::string to_json_text(const OrderPage& page);

// OpenAPI 3.1 (JSON Schema) descriptions of the bodies above.
boost::json::value order_request_schema(RequestKind kind);
boost::json::value reason_schema(bool required);
boost::json::value order_schema();
boost::json::value quote_schema();
boost::json::value order_details_schema();
boost::json::value order_page_schema();

}  // namespace nelo::orders
