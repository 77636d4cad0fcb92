#include "modules/notifications/services/event_facts.hpp"

#include <boost/json/value_to.hpp>

#include <stdexcept>

#include "core/uuid.hpp"

namespace nelo::notifications {
namespace {

namespace json = boost::json;

std::optional<std::string> uuid_field(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (!v || !v->is_string()) return std::nullopt;
  auto id = canonical_uuid(v->get_string());
  return id;
}

std::optional<std::string> text_field(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<Money> money_field(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (!v || !v->is_object()) return std::nullopt;
  try {
    return json::value_to<Money>(*v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

EventFacts read_event_facts(std::string_view event_name, const json::object& payload) {
  EventFacts facts;
  auto order_id = uuid_field(payload, "order_id");
  if (!order_id) throw std::invalid_argument(std::string(event_name) + ": the payload has no valid order_id");
  facts.order_id = *order_id;
  facts.customer_id = uuid_field(payload, "customer_id");
  facts.merchant_id = uuid_field(payload, "merchant_id");
  facts.merchant_owner_id = uuid_field(payload, "merchant_owner_id");
  facts.driver_id = uuid_field(payload, "driver_id");
  facts.delivery_id = uuid_field(payload, "delivery_id");
  facts.payment_id = uuid_field(payload, "payment_id");
  facts.payment_method = text_field(payload, "payment_method");
  facts.reason = text_field(payload, "reason");
  if (const json::value* pickup = payload.if_contains("pickup"); pickup && pickup->is_object()) {
    facts.merchant_name = text_field(pickup->get_object(), "name");
  }
  if (event_name.starts_with("order.")) {
    facts.amount = money_field(payload, "total");
    if (const json::value* v = payload.if_contains("version"); v && v->is_int64() && v->get_int64() >= 1) {
      facts.order_version = v->get_int64();
    }
  } else if (event_name.starts_with("payment.")) {
    // A refund names what it gave back when it is not the whole amount.
    facts.amount = money_field(payload, "refund_amount");
    if (!facts.amount) facts.amount = money_field(payload, "refunded_amount");
    if (!facts.amount) facts.amount = money_field(payload, "amount");
  }
  if (const json::value* waited = payload.if_contains("waited_seconds"); waited && waited->is_int64()) {
    facts.waited_seconds = waited->get_int64();
  } else if (waited && waited->is_uint64()) {
    facts.waited_seconds = static_cast<std::int64_t>(waited->get_uint64());
  }
  return facts;
}

}  // namespace nelo::notifications
