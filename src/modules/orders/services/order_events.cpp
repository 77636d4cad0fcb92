#include "modules/orders/services/order_events.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>
#include <utility>

#include "core/json.hpp"
#include "core/uuid.hpp"
#include "modules/orders/names.hpp"

namespace nelo::orders {
namespace {

namespace json = boost::json;

json::object money(std::int64_t amount, const std::string& currency) {
  return {{"amount", amount}, {"currency", currency}};
}

json::object common(const Order& o) {
  return {{"order_id", o.id},
          {"customer_id", o.customer_id},
          {"merchant_id", o.merchant_id},
          {"merchant_owner_id", o.merchant_owner_id},
          {"status", to_string(o.status)},
          {"payment_method", to_string(o.payment_method)},
          {"total", money(o.pricing.total, o.pricing.currency)},
          {"version", o.version}};
}

}  // namespace

json::object order_created_payload(const Order& o, const Payment& payment) {
  json::object payload = common(o);
  json::array items;
  items.reserve(o.lines.size());
  for (const auto& l : o.lines) {
    items.push_back(json::object{{"product_id", l.product_id},
                                 {"name", l.name},
                                 {"unit_price", money(l.unit_price, o.pricing.currency)},
                                 {"quantity", l.quantity},
                                 {"line_total", money(l.line_total, o.pricing.currency)}});
  }
  payload["items"] = std::move(items);
  payload["pricing"] = json::object{{"subtotal", money(o.pricing.subtotal, o.pricing.currency)},
                                    {"delivery_fee", money(o.pricing.delivery_fee, o.pricing.currency)},
                                    {"service_fee", money(o.pricing.service_fee, o.pricing.currency)},
                                    {"total", money(o.pricing.total, o.pricing.currency)}};
  // The card token is not here: it goes to payments through PaymentInterface::authorize_card and
  // nowhere else, so that it never rests in orders.outbox.
  payload["payment"] = json::object{{"method", to_string(payment.method)}};
  payload["distance_m"] = o.distance_m;
  const auto& a = o.delivery_address;
  payload["delivery_address"] = json::object{{"address_id", a.address_id},
                                             {"label", a.label},
                                             {"line1", a.line1},
                                             {"line2", nullable(a.line2)},
                                             {"city", a.city},
                                             {"postal_code", a.postal_code},
                                             {"country", a.country},
                                             {"instructions", nullable(a.instructions)},
                                             {"lat", a.point.lat},
                                             {"lng", a.point.lng}};
  const auto& m = o.merchant;
  payload["pickup"] = json::object{{"name", m.name},
                                   {"phone", m.phone},
                                   {"address", m.address},
                                   {"lat", m.point.lat},
                                   {"lng", m.point.lng},
                                   {"prep_time_minutes", m.prep_time_minutes}};
  payload["customer"] = json::object{{"name", o.customer.name}, {"phone", nullable(o.customer.phone)}};
  payload["notes"] = nullable(o.notes);
  payload["created_at"] = to_rfc3339_millis(o.created_at);
  return payload;
}

json::object order_transition_payload(const Order& o, const Transition& t, const Actor& actor,
                                      const std::optional<std::string>& reason) {
  json::object payload = common(o);
  payload["previous_status"] = to_string(t.from);
  payload["action"] = to_string(t.action);
  payload["actor"] = json::object{{"kind", to_string(actor.kind)},
                                  {"id", actor.id.empty() ? json::value(nullptr) : json::value(actor.id)}};
  payload["reason"] = nullable(reason);
  payload["changed_at"] = to_rfc3339_millis(o.updated_at);
  return payload;
}

OrderReference parse_order_reference(const json::object& payload) {
  const json::value* id = payload.if_contains("order_id");
  auto order_id = id && id->is_string() ? canonical_uuid(id->get_string()) : std::nullopt;
  if (!order_id) throw std::invalid_argument("event payload: order_id must be a UUID string");
  OrderReference ref;
  // Lowercase, as the orders table spells ids: a chunk's events are matched to its rows as text.
  ref.order_id = std::move(*order_id);
  if (const json::value* reason = payload.if_contains("reason"); reason && reason->is_string()) {
    ref.reason = std::string(reason->get_string());
  }
  return ref;
}

}  // namespace nelo::orders
