#include "shared/interfaces/payment_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>

#include "shared/interfaces/dto_json.hpp"

namespace nelo {
namespace json = boost::json;
namespace {

using dto_json::Fields;
using dto_json::optional_string;

std::int64_t minor_units(const json::value& in, std::string_view dto, std::string_view name) {
  const json::value* v = in.as_object().if_contains(name);
  if (!v || !v->is_int64() || v->get_int64() < 0) {
    throw std::invalid_argument(std::string(dto) + "." + std::string(name) + ": expected an integer (minor units)");
  }
  return v->get_int64();
}

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const PaymentOrderDto& order) {
  out = json::object{{"order_id", order.order_id},
                     {"customer_id", order.customer_id},
                     {"merchant_id", order.merchant_id},
                     {"merchant_owner_id", order.merchant_owner_id},
                     {"total", json::value_from(order.total)},
                     {"subtotal", order.subtotal},
                     {"delivery_fee", order.delivery_fee},
                     {"service_fee", order.service_fee}};
}

PaymentOrderDto tag_invoke(const json::value_to_tag<PaymentOrderDto>&, const json::value& in) {
  constexpr std::string_view kDto = "PaymentOrderDto";
  Fields f(in, kDto);
  PaymentOrderDto order;
  order.order_id = f.string("order_id");
  order.customer_id = f.string("customer_id");
  order.merchant_id = f.string("merchant_id");
  order.merchant_owner_id = f.string("merchant_owner_id");
  const json::value* total = in.as_object().if_contains("total");
  if (!total) throw std::invalid_argument("PaymentOrderDto.total: missing");
  order.total = json::value_to<Money>(*total);
  order.subtotal = minor_units(in, kDto, "subtotal");
  order.delivery_fee = minor_units(in, kDto, "delivery_fee");
  order.service_fee = minor_units(in, kDto, "service_fee");
  return order;
}

void tag_invoke(const json::value_from_tag&, json::value& out, const PaymentStatusDto& payment) {
  out = json::object{{"payment_id", payment.payment_id},
                     {"status", payment.status},
                     {"method", payment.method},
                     {"card_brand", optional_string(payment.card_brand)},
                     {"card_last4", optional_string(payment.card_last4)},
                     {"failure_code", optional_string(payment.failure_code)},
                     {"failure_reason", optional_string(payment.failure_reason)},
                     {"action_url", optional_string(payment.action_url)}};
}

PaymentStatusDto tag_invoke(const json::value_to_tag<PaymentStatusDto>&, const json::value& in) {
  Fields f(in, "PaymentStatusDto");
  PaymentStatusDto payment;
  payment.payment_id = f.string("payment_id");
  payment.status = f.string("status");
  payment.method = f.string("method");
  payment.card_brand = f.optional_string("card_brand");
  payment.card_last4 = f.optional_string("card_last4");
  payment.failure_code = f.optional_string("failure_code");
  payment.failure_reason = f.optional_string("failure_reason");
  payment.action_url = f.optional_string("action_url");
  return payment;
}

}  // namespace nelo
