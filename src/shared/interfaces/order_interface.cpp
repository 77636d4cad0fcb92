#include "shared/interfaces/order_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>
#include <string_view>

#include "shared/interfaces/dto_json.hpp"

namespace nelo {
namespace json = boost::json;
namespace {

using dto_json::Fields;

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const GeoPointDto& point) {
  out = json::object{{"lat", point.lat}, {"lng", point.lng}};
}

GeoPointDto tag_invoke(const json::value_to_tag<GeoPointDto>&, const json::value& in) {
  Fields f(in, "GeoPointDto");
  GeoPointDto point;
  point.lat = f.number("lat");
  point.lng = f.number("lng");
  return point;
}

void tag_invoke(const json::value_from_tag&, json::value& out, const OrderSummaryDto& order) {
  out = json::object{{"id", order.id},
                     {"customer_id", order.customer_id},
                     {"merchant_id", order.merchant_id},
                     {"merchant_owner_id", order.merchant_owner_id},
                     {"status", order.status},
                     {"payment_method", order.payment_method},
                     {"total", json::value_from(order.total)},
                     {"pickup", json::value_from(order.pickup)},
                     {"dropoff", json::value_from(order.dropoff)},
                     {"created_at", order.created_at}};
}

OrderSummaryDto tag_invoke(const json::value_to_tag<OrderSummaryDto>&, const json::value& in) {
  Fields f(in, "OrderSummaryDto");
  OrderSummaryDto order;
  order.id = f.string("id");
  order.customer_id = f.string("customer_id");
  order.merchant_id = f.string("merchant_id");
  order.merchant_owner_id = f.optional_string("merchant_owner_id").value_or("");
  order.status = f.string("status");
  order.payment_method = f.string("payment_method");
  order.total = f.nested<Money>("total");
  order.pickup = f.nested<GeoPointDto>("pickup");
  order.dropoff = f.nested<GeoPointDto>("dropoff");
  order.created_at = f.string("created_at");
  return order;
}

}  // namespace nelo
