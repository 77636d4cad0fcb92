#include "shared/interfaces/order_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>
#include <string_view>

namespace nelo {
namespace json = boost::json;
namespace {

// Reads the fields of one DTO document; every failure names the DTO and the field.
class Fields {
 public:
  Fields(const json::value& in, std::string_view dto) : dto_(dto) {
    object_ = in.if_object();
    if (!object_) throw std::invalid_argument(std::string(dto) + ": expected a JSON object");
  }

  std::string string(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_string()) fail(name, "a string");
    return std::string(v.get_string());
  }

  double number(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_number()) fail(name, "a number");
    return v.to_number<double>();
  }

  // A nested document, mapped by its own tag_invoke; its errors are prefixed with this field.
  template <class T>
  T nested(std::string_view name) const {
    const json::value& v = get(name);
    try {
      return json::value_to<T>(v);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": " + e.what());
    }
  }

 private:
  const json::value& get(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    if (!v) throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": missing");
    return *v;
  }

  [[noreturn]] void fail(std::string_view name, std::string_view expected) const {
    throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": expected " + std::string(expected));
  }

  std::string_view dto_;
  const json::object* object_ = nullptr;
};

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
  order.status = f.string("status");
  order.payment_method = f.string("payment_method");
  order.total = f.nested<Money>("total");
  order.pickup = f.nested<GeoPointDto>("pickup");
  order.dropoff = f.nested<GeoPointDto>("dropoff");
  order.created_at = f.string("created_at");
  return order;
}

}  // namespace nelo
