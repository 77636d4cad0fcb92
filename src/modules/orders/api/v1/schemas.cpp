#include "modules/orders/api/v1/schemas.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <initializer_list>
#include <map>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/json_text.hpp"
#include "core/request_fields.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/orders/api/v1/order_cursor.hpp"
#include "modules/orders/names.hpp"
#include "modules/orders/validation.hpp"

namespace nelo::orders {
namespace {

namespace json = boost::json;

// --- reading ---

// What the server computes or decides. Sent by a client they are refused with a message that
// says why, rather than the generic "unknown field": a tampered price is never applied.
constexpr std::string_view kServerFields[] = {
    "id",         "status",   "customer_id", "user_id",      "merchant_owner_id", "price",      "prices",
    "unit_price", "amount",   "line_total",  "subtotal",     "total",             "totals",     "pricing",
    "currency",   "discount", "delivery_fee", "service_fee", "distance_m",        "created_at", "updated_at",
    "version",    "name"};

void reject_unknown(JsonReader& r, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : r.object()) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const bool server_side = std::find(std::begin(kServerFields), std::end(kServerFields), key) != std::end(kServerFields);
    r.validator().add(r.field(key), server_side ? "is set by the server and cannot be sent" : "is not a known field");
  }
}

std::optional<std::string> uuid_field(JsonReader& r, std::string_view name) {
  auto value = r.required_string(name);
  if (!value) return std::nullopt;
  auto id = canonical_uuid(*value);
  if (!id) r.validator().add(r.field(name), "must be a UUID");
  return id;
}

std::vector<RequestedItem> read_items(JsonReader& r) {
  std::vector<RequestedItem> items;
  const json::array* array = r.required_array("items");
  if (!array) return items;
  Validator& v = r.validator();
  if (array->empty()) {
    v.add("items", "must contain at least one item");
    return items;
  }
  if (array->size() > kMaxItems) {
    v.add("items", "must contain at most " + std::to_string(kMaxItems) + " lines");
    return items;
  }
  std::map<std::string, std::size_t, std::less<>> seen;  // product id -> first line
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = r.element("items", i);
    const json::value& element = (*array)[i];
    if (!element.is_object()) {
      v.add(path, "must be an object with product_id and quantity");
      continue;
    }
    JsonReader item(element.get_object(), v, path);
    reject_unknown(item, {"product_id", "quantity"});
    auto product_id = uuid_field(item, "product_id");
    auto quantity = item.required_int("quantity");
    if (quantity && (*quantity < kMinQuantity || *quantity > kMaxQuantity)) {
      v.add(item.field("quantity"),
            "must be between " + std::to_string(kMinQuantity) + " and " + std::to_string(kMaxQuantity));
      quantity.reset();
    }
    if (product_id) {
      auto [first, inserted] = seen.emplace(*product_id, i);
      if (!inserted) {
        v.add(item.field("product_id"), "repeats items[" + std::to_string(first->second) +
                                            "].product_id: one line per product (raise its quantity instead)");
      }
    }
    RequestedItem requested;
    requested.product_id = product_id.value_or("");
    requested.quantity = static_cast<int>(quantity.value_or(0));
    items.push_back(std::move(requested));
  }
  return items;
}

std::optional<Payment> read_payment(JsonReader& r, RequestKind kind) {
  const json::object* object = kind == RequestKind::Place ? r.required_object("payment") : r.optional_object("payment");
  if (!object) return std::nullopt;
  Validator& v = r.validator();
  JsonReader p(*object, v, "payment");
  reject_unknown(p, {"method", "token"});
  auto method_text = p.required_string("method");
  auto token = p.optional_string("token");
  if (!method_text) return std::nullopt;
  auto method = parse_payment_method(*method_text);
  if (!method) {
    v.add("payment.method", "must be one of: card, cash");
    return std::nullopt;
  }
  Payment payment;
  payment.method = *method;
  if (*method == PaymentMethod::Card) {
    if (!token) {
      if (!object->contains("token") || object->at("token").is_null()) {
        v.add("payment.token", "is required for card payments (the payment provider's token, never a card number)");
      }
    } else if (!is_payment_token(*token)) {
      v.add("payment.token", "must be 1 to " + std::to_string(kMaxPaymentTokenLength) +
                                 " visible ASCII characters (the payment provider's token)");
    } else {
      payment.token = std::move(token);
    }
  } else if (token) {
    v.add("payment.token", "must not be sent for cash payments");
  }
  return payment;
}

std::optional<std::string> read_notes(JsonReader& r) {
  auto notes = r.optional_string("notes");
  if (!notes) return std::nullopt;
  std::string text(trimmed(*notes));
  if (text.empty()) return std::nullopt;  // blank notes are no notes
  if (auto problem = free_text_problem(text, kMaxNotesLength)) {
    r.validator().add(r.field("notes"), *problem);
    return std::nullopt;
  }
  return text;
}

// --- writing ---

void write_money(JsonWriter& w, std::int64_t amount, const std::string& currency) {
  w.begin_object().key("amount").integer(amount).key("currency").string(currency).end_object();
}

void write_lines(JsonWriter& w, const std::vector<OrderLine>& lines, const std::string& currency) {
  w.begin_array();
  for (const auto& l : lines) {
    w.begin_object().key("product_id").string(l.product_id).key("name").string(l.name).key("unit_price");
    write_money(w, l.unit_price, currency);
    w.key("quantity").integer(l.quantity).key("line_total");
    write_money(w, l.line_total, currency);
    w.end_object();
  }
  w.end_array();
}

void write_pricing(JsonWriter& w, const PriceBreakdown& p) {
  w.begin_object().key("subtotal");
  write_money(w, p.subtotal, p.currency);
  w.key("delivery_fee");
  write_money(w, p.delivery_fee, p.currency);
  w.key("service_fee");
  write_money(w, p.service_fee, p.currency);
  w.key("total");
  write_money(w, p.total, p.currency);
  w.end_object();
}

void write_address(JsonWriter& w, const AddressSnapshot& a) {
  w.begin_object()
      .key("address_id").string(a.address_id)
      .key("label").string(a.label)
      .key("line1").string(a.line1)
      .key("line2").nullable(a.line2)
      .key("city").string(a.city)
      .key("postal_code").string(a.postal_code)
      .key("country").string(a.country)
      .key("instructions").nullable(a.instructions)
      .key("lat").number(a.point.lat)
      .key("lng").number(a.point.lng)
      .end_object();
}

void write_merchant_snapshot(JsonWriter& w, const MerchantSnapshot& m) {
  w.begin_object()
      .key("name").string(m.name)
      .key("phone").string(m.phone)
      .key("address").string(m.address)
      .key("lat").number(m.point.lat)
      .key("lng").number(m.point.lng)
      .key("time_zone").string(m.time_zone)
      .key("prep_time_minutes").integer(m.prep_time_minutes)
      .end_object();
}

// The order's members, without its braces (the details add theirs after them).
void write_order_members(JsonWriter& w, const Order& o) {
  w.key("id").string(o.id)
      .key("status").string(to_string(o.status))
      .key("customer_id").string(o.customer_id)
      .key("merchant_id").string(o.merchant_id)
      .key("payment_method").string(to_string(o.payment_method))
      .key("items");
  write_lines(w, o.lines, o.pricing.currency);
  w.key("pricing");
  write_pricing(w, o.pricing);
  w.key("distance_m").integer(o.distance_m).key("notes").nullable(o.notes).key("delivery_address");
  write_address(w, o.delivery_address);
  w.key("merchant_snapshot");
  write_merchant_snapshot(w, o.merchant);
  w.key("customer_snapshot")
      .begin_object().key("name").string(o.customer.name).key("phone").nullable(o.customer.phone).end_object()
      .key("version").integer(o.version)
      .key("created_at").string(to_rfc3339_millis(o.created_at))
      .key("updated_at").string(to_rfc3339_millis(o.updated_at));
}

void write_customer(JsonWriter& w, const std::optional<UserDto>& user) {
  if (!user) {
    w.null();
    return;
  }
  // Name and phone only: the e-mail and locale are the users module's business.
  w.begin_object().key("id").string(user->id).key("name").string(user->name).key("phone").nullable(user->phone)
      .end_object();
}

void write_merchant(JsonWriter& w, const std::optional<MerchantDto>& m) {
  if (!m) {
    w.null();
    return;
  }
  w.begin_object()
      .key("id").string(m->id)
      .key("name").string(m->name)
      .key("phone").string(m->phone)
      .key("address").string(m->address)
      .key("lat").number(m->lat)
      .key("lng").number(m->lng)
      .key("open").boolean(m->open)
      .key("prep_time_minutes").integer(m->prep_time_minutes)
      .end_object();
}

void write_delivery(JsonWriter& w, const std::optional<DeliverySummaryDto>& d) {
  if (!d) {
    w.null();
    return;
  }
  w.begin_object().key("id").string(d->id).key("status").string(d->status).key("driver");
  if (d->driver) {
    w.begin_object()
        .key("id").string(d->driver->id)
        .key("name").string(d->driver->name)
        .key("phone").nullable(d->driver->phone)
        .end_object();
  } else {
    w.null();
  }
  w.key("estimated_arrival").nullable(d->estimated_arrival).key("pin").nullable(d->pin).end_object();
}

void write_payment(JsonWriter& w, const std::optional<PaymentStatusDto>& p) {
  if (!p) {
    w.null();
    return;
  }
  w.begin_object()
      .key("id").string(p->payment_id)
      .key("status").string(p->status)
      .key("method").string(p->method)
      .key("card_brand").nullable(p->card_brand)
      .key("card_last4").nullable(p->card_last4)
      .key("failure_code").nullable(p->failure_code)
      .key("failure_reason").nullable(p->failure_reason)
      .key("action_url").nullable(p->action_url)
      .end_object();
}

void write_history_entry(JsonWriter& w, const StatusChange& c) {
  w.begin_object().key("from");
  if (c.from) {
    w.string(to_string(*c.from));
  } else {
    w.null();
  }
  w.key("to").string(to_string(c.to)).key("action");
  if (c.action) {
    w.string(to_string(*c.action));
  } else {
    w.null();
  }
  w.key("actor").string(to_string(c.actor_kind))
      .key("reason").nullable(c.reason)
      .key("at").string(to_rfc3339_millis(c.at))
      .end_object();
}

void write_summary(JsonWriter& w, const Order& o) {
  w.begin_object()
      .key("id").string(o.id)
      .key("status").string(to_string(o.status))
      .key("customer_id").string(o.customer_id)
      .key("merchant_id").string(o.merchant_id)
      .key("merchant_name").string(o.merchant.name)
      .key("payment_method").string(to_string(o.payment_method))
      .key("total");
  write_money(w, o.pricing.total, o.pricing.currency);
  w.key("created_at").string(to_rfc3339_millis(o.created_at))
      .key("updated_at").string(to_rfc3339_millis(o.updated_at))
      .end_object();
}

// --- OpenAPI ---

json::object uuid_schema(const char* description = nullptr) {
  json::object s{{"type", "string"}, {"format", "uuid"}};
  if (description) s["description"] = description;
  return s;
}

json::object nullable_string_schema(const char* description = nullptr) {
  json::object s{{"type", json::array{"string", "null"}}};
  if (description) s["description"] = description;
  return s;
}

json::object timestamp_schema() { return {{"type", "string"}, {"format", "date-time"}}; }

json::object money_schema() {
  return {{"type", "object"},
          {"required", json::array{"amount", "currency"}},
          {"properties", json::object{{"amount", json::object{{"type", "integer"}, {"description", "Minor units"}}},
                                      {"currency", json::object{{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}}}}};
}

json::object status_schema() {
  json::array names;
  for (OrderStatus s : kAllStatuses) names.push_back(json::string(to_string(s)));
  return {{"type", "string"}, {"enum", std::move(names)}};
}

json::object lines_schema() {
  return {{"type", "array"},
          {"items", json::object{{"type", "object"},
                                 {"required", json::array{"product_id", "name", "unit_price", "quantity", "line_total"}},
                                 {"properties", json::object{{"product_id", uuid_schema()},
                                                             {"name", json::object{{"type", "string"}}},
                                                             {"unit_price", money_schema()},
                                                             {"quantity", json::object{{"type", "integer"}}},
                                                             {"line_total", money_schema()}}}}}};
}

json::object pricing_schema() {
  return {{"type", "object"},
          {"description", "total = subtotal + delivery_fee + service_fee, in the merchant's currency"},
          {"required", json::array{"subtotal", "delivery_fee", "service_fee", "total"}},
          {"properties", json::object{{"subtotal", money_schema()},
                                      {"delivery_fee", money_schema()},
                                      {"service_fee", money_schema()},
                                      {"total", money_schema()}}}};
}

json::object point_properties(json::object properties) {
  properties["lat"] = json::object{{"type", "number"}};
  properties["lng"] = json::object{{"type", "number"}};
  return properties;
}

json::object order_properties() {
  json::object address = point_properties(json::object{{"address_id", uuid_schema()},
                                                       {"label", json::object{{"type", "string"}}},
                                                       {"line1", json::object{{"type", "string"}}},
                                                       {"line2", nullable_string_schema()},
                                                       {"city", json::object{{"type", "string"}}},
                                                       {"postal_code", json::object{{"type", "string"}}},
                                                       {"country", json::object{{"type", "string"}}},
                                                       {"instructions", nullable_string_schema()}});
  json::object merchant = point_properties(json::object{{"name", json::object{{"type", "string"}}},
                                                        {"phone", json::object{{"type", "string"}}},
                                                        {"address", json::object{{"type", "string"}}},
                                                        {"time_zone", json::object{{"type", "string"}}},
                                                        {"prep_time_minutes", json::object{{"type", "integer"}}}});
  return {{"id", uuid_schema()},
          {"status", status_schema()},
          {"customer_id", uuid_schema()},
          {"merchant_id", uuid_schema()},
          {"payment_method", json::object{{"enum", json::array{"card", "cash"}}}},
          {"items", lines_schema()},
          {"pricing", pricing_schema()},
          {"distance_m", json::object{{"type", "integer"}, {"description", "Straight line, merchant to address"}}},
          {"notes", nullable_string_schema()},
          {"delivery_address",
           json::object{{"type", "object"}, {"description", "Copied when the order was placed"}, {"properties", std::move(address)}}},
          {"merchant_snapshot",
           json::object{{"type", "object"}, {"description", "The merchant as it was when the order was placed"}, {"properties", std::move(merchant)}}},
          {"customer_snapshot",
           json::object{{"type", "object"},
                        {"description", "The customer's contact as it was when the order was placed"},
                        {"properties", json::object{{"name", json::object{{"type", "string"}}}, {"phone", nullable_string_schema()}}}}},
          {"version", json::object{{"type", "integer"}, {"description", "1 at creation, +1 per status change"}}},
          {"created_at", timestamp_schema()},
          {"updated_at", timestamp_schema()}};
}

json::array order_required() {
  return {"id",         "status",   "customer_id",       "merchant_id",       "payment_method", "items",
          "pricing",    "distance_m", "notes",           "delivery_address",  "merchant_snapshot",
          "customer_snapshot", "version", "created_at", "updated_at"};
}

}  // namespace

// --- parsing ---

OrderRequest parse_order_request(const json::object& body, RequestKind kind) {
  Validator v;
  JsonReader r(body, v);
  reject_unknown(r, {"merchant_id", "items", "address_id", "payment", "notes"});
  OrderRequest request;
  request.merchant_id = uuid_field(r, "merchant_id").value_or("");
  request.items = read_items(r);
  request.address_id = uuid_field(r, "address_id").value_or("");
  request.payment = read_payment(r, kind);
  request.notes = read_notes(r);
  v.throw_if_invalid();
  return request;
}

std::optional<std::string> parse_reason(const json::object& body, bool required) {
  Validator v;
  JsonReader r(body, v);
  reject_unknown(r, {"reason"});
  auto reason = required ? r.required_string("reason") : r.optional_string("reason");
  std::optional<std::string> out;
  if (reason) {
    std::string text(trimmed(*reason));
    if (text.empty()) {
      if (required) v.add("reason", "must not be blank");
    } else if (auto problem = free_text_problem(text, kMaxReasonLength)) {
      v.add("reason", *problem);
    } else {
      out = std::move(text);
    }
  }
  v.throw_if_invalid();
  return out;
}

OrderListQuery parse_list_query(std::optional<std::string_view> status, std::optional<std::string_view> limit,
                                std::optional<std::string_view> cursor) {
  Validator v;
  OrderListQuery query;
  if (status && !status->empty()) {
    query.status = parse_status(*status);
    if (!query.status) v.add("status", "must be one of: " + std::string(status_list()));
  }
  query.limit = read_page_limit(limit, v, kDefaultPageSize, kMaxPageSize);
  if (cursor && !cursor->empty()) {
    query.after = kOrderCursor.decode(*cursor);
    if (!query.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return query;
}

// --- serialization ---

namespace {

// A body written by `write` into a string reserved for about `expected` bytes.
template <class Write>
std::string written(std::size_t expected, Write write) {
  std::string out;
  out.reserve(expected);
  JsonWriter w(out);
  write(w);
  return out;
}

}  // namespace

std::string to_json_text(const Order& o) {
  return written(2048, [&](JsonWriter& w) {
    w.begin_object();
    write_order_members(w, o);
    w.end_object();
  });
}

std::string to_json_text(const Quote& q) {
  return written(1024, [&](JsonWriter& w) {
    w.begin_object().key("merchant_id").string(q.merchant_id).key("address_id").string(q.address_id).key("items");
    write_lines(w, q.lines, q.pricing.currency);
    w.key("pricing");
    write_pricing(w, q.pricing);
    w.key("distance_m").integer(q.distance_m).end_object();
  });
}

std::string to_json_text(const OrderDetails& d) {
  return written(3072, [&](JsonWriter& w) {
    w.begin_object();
    write_order_members(w, d.order);
    w.key("history").begin_array();
    for (const auto& c : d.history) write_history_entry(w, c);
    w.end_array().key("customer");
    write_customer(w, d.customer);
    w.key("merchant");
    write_merchant(w, d.merchant);
    w.key("delivery");
    write_delivery(w, d.delivery);
    w.key("payment");
    write_payment(w, d.payment);
    w.key("unavailable").begin_array();
    for (const auto& part : d.unavailable) w.string(part);
    w.end_array().end_object();
  });
}

std::string to_json_text(const OrderPage& page) {
  return written(256 + page.items.size() * 400, [&](JsonWriter& w) {
    w.begin_object().key("items").begin_array();
    for (const auto& o : page.items) write_summary(w, o);
    w.end_array().key("next_cursor");
    if (page.next) {
      w.string(kOrderCursor.encode(*page.next));
    } else {
      w.null();
    }
    w.end_object();
  });
}

// --- OpenAPI ---

json::value order_request_schema(RequestKind kind) {
  json::object item{{"type", "object"},
                    {"additionalProperties", false},
                    {"required", json::array{"product_id", "quantity"}},
                    {"properties", json::object{{"product_id", uuid_schema("A product of this merchant, once per order")},
                                                {"quantity", json::object{{"type", "integer"},
                                                                          {"minimum", kMinQuantity},
                                                                          {"maximum", kMaxQuantity}}}}}};
  json::object payment{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"method"}},
      {"properties",
       json::object{{"method", json::object{{"enum", json::array{"card", "cash"}}}},
                    {"token", json::object{{"type", "string"},
                                           {"minLength", 1},
                                           {"maxLength", kMaxPaymentTokenLength},
                                           {"description", "card only, required: the payment provider's token"}}}}}};
  json::array required{"merchant_id", "items", "address_id"};
  if (kind == RequestKind::Place) required.push_back("payment");
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"description", "Prices, fees, totals, status and owner are computed by the server; sending them is a 422"},
      {"required", std::move(required)},
      {"properties",
       json::object{{"merchant_id", uuid_schema()},
                    {"items", json::object{{"type", "array"},
                                           {"minItems", 1},
                                           {"maxItems", kMaxItems},
                                           {"items", std::move(item)}}},
                    {"address_id", uuid_schema("One of the caller's delivery addresses")},
                    {"payment", std::move(payment)},
                    {"notes", json::object{{"type", json::array{"string", "null"}},
                                           {"maxLength", kMaxNotesLength},
                                           {"description", "For the merchant; blank is the same as none"}}}}}};
}

json::value reason_schema(bool required) {
  json::object s{{"type", "object"},
                 {"additionalProperties", false},
                 {"properties", json::object{{"reason", json::object{{"type", "string"},
                                                                     {"minLength", 1},
                                                                     {"maxLength", kMaxReasonLength}}}}}};
  if (required) s["required"] = json::array{"reason"};
  return s;
}

json::value order_schema() {
  return json::object{{"type", "object"}, {"required", order_required()}, {"properties", order_properties()}};
}

json::value quote_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"merchant_id", "address_id", "items", "pricing", "distance_m"}},
                      {"properties", json::object{{"merchant_id", uuid_schema()},
                                                  {"address_id", uuid_schema()},
                                                  {"items", lines_schema()},
                                                  {"pricing", pricing_schema()},
                                                  {"distance_m", json::object{{"type", "integer"}}}}}};
}

json::value order_details_schema() {
  json::object properties = order_properties();
  properties["history"] = json::object{
      {"type", "array"},
      {"items", json::object{{"type", "object"},
                             {"properties", json::object{{"from", json::object{{"type", json::array{"string", "null"}}}},
                                                         {"to", status_schema()},
                                                         {"action", json::object{{"type", json::array{"string", "null"}}}},
                                                         {"actor", json::object{{"enum", json::array{"customer", "merchant", "admin", "system"}}}},
                                                         {"reason", nullable_string_schema()},
                                                         {"at", timestamp_schema()}}}}}};
  properties["customer"] = json::object{{"type", json::array{"object", "null"}},
                                        {"description", "The customer's current profile (users); null if unavailable"}};
  properties["merchant"] = json::object{{"type", json::array{"object", "null"}},
                                        {"description", "The merchant now (catalog), with `open`; null if unavailable"}};
  properties["delivery"] = json::object{{"type", json::array{"object", "null"}},
                                        {"description", "The delivery and its driver (deliveries); null until there is one. Its `pin` (4 digits, "
                                         "given to the driver at the door) is shown to the order's customer only, null for anyone else"}};
  json::object nullable_text{{"type", json::array{"string", "null"}}};
  properties["payment"] = json::object{
      {"type", json::array{"object", "null"}},
      {"description", "The order's payment (payments); null until it exists. `failure_reason` says, in words the "
                      "customer can read, why a card was declined; `action_url` is the page to open while the card "
                      "waits for the customer's confirmation (3-D Secure). Never a card token or number"},
      {"required", json::array{"id", "status", "method", "card_brand", "card_last4", "failure_code", "failure_reason",
                               "action_url"}},
      {"properties",
       json::object{{"id", uuid_schema()},
                    {"status", json::object{{"enum", json::array{"requires_authorization", "authorized", "captured",
                                                                 "partially_refunded", "refunded", "failed",
                                                                 "voided"}}}},
                    {"method", json::object{{"enum", json::array{"card", "cash"}}}},
                    {"card_brand", nullable_text},
                    {"card_last4", nullable_text},
                    {"failure_code", nullable_text},
                    {"failure_reason", nullable_text},
                    {"action_url", nullable_text}}}};
  properties["unavailable"] = json::object{
      {"type", "array"},
      {"items", json::object{{"enum", json::array{"customer", "merchant", "delivery", "payment"}}}},
      {"description", "Parts that could not be read this time (their module is down or not served here)"}};
  json::array required = order_required();
  for (const char* name : {"history", "customer", "merchant", "delivery", "payment", "unavailable"}) {
    required.push_back(json::string(name));
  }
  return json::object{{"type", "object"}, {"required", std::move(required)}, {"properties", std::move(properties)}};
}

json::value order_page_schema() {
  json::object summary{{"type", "object"},
                       {"properties", json::object{{"id", uuid_schema()},
                                                   {"status", status_schema()},
                                                   {"customer_id", uuid_schema()},
                                                   {"merchant_id", uuid_schema()},
                                                   {"merchant_name", json::object{{"type", "string"}}},
                                                   {"payment_method", json::object{{"enum", json::array{"card", "cash"}}}},
                                                   {"total", money_schema()},
                                                   {"created_at", timestamp_schema()},
                                                   {"updated_at", timestamp_schema()}}}};
  return json::object{
      {"type", "object"},
      {"required", json::array{"items", "next_cursor"}},
      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", std::move(summary)}}},
                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}},
                                                               {"description", "Pass back as ?cursor= ; null on the last page"}}}}}};
}

}  // namespace nelo::orders
