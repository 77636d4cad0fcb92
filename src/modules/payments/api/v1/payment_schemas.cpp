#include "modules/payments/api/v1/payment_schemas.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <map>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/payments/names.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;

bool is_currency_code(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

json::object money(std::int64_t amount, const std::string& currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

json::value time_or_null(const std::optional<Timestamp>& t) {
  return t ? json::value(to_rfc3339_millis(*t)) : json::value(nullptr);
}

json::object money_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"amount", "currency"}},
                      {"properties", json::object{{"amount", json::object{{"type", "integer"}}},
                                                  {"currency", json::object{{"type", "string"},
                                                                            {"pattern", "^[A-Z]{3}$"}}}}}};
}

json::object nullable_string() { return json::object{{"type", json::array{"string", "null"}}}; }
json::object nullable_time() {
  return json::object{{"type", json::array{"string", "null"}}, {"format", "date-time"}};
}
json::object string_type() { return json::object{{"type", "string"}}; }
json::object uuid_type() { return json::object{{"type", "string"}, {"format", "uuid"}}; }
json::object time_type() { return json::object{{"type", "string"}, {"format", "date-time"}}; }

json::array statuses() {
  json::array out;
  for (PaymentStatus s : kAllStatuses) out.emplace_back(to_string(s));
  return out;
}

json::object refund_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "payment_id", "amount", "reason", "status", "created_at"}},
      {"properties", json::object{{"id", uuid_type()},
                                  {"payment_id", uuid_type()},
                                  {"amount", money_schema()},
                                  {"reason", string_type()},
                                  {"status", json::object{{"type", "string"},
                                                          {"enum", json::array{"pending", "succeeded", "failed"}}}},
                                  {"provider_reference", nullable_string()},
                                  {"failure_message", nullable_string()},
                                  {"requested_by", nullable_string()},
                                  {"created_at", time_type()}}}};
}

}  // namespace

RefundBody parse_refund_body(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"amount", "reason"});
  RefundBody out;
  if (const json::object* amount = r.required_object("amount")) {
    JsonReader m(*amount, v, r.field("amount"));
    m.reject_unknown({"amount", "currency"});
    const auto minor = m.required_int("amount");
    const auto currency = m.required_string("currency");
    if (minor && (*minor < 1 || *minor > kMaxRefundAmount)) {
      v.add(m.field("amount"), "must be a positive integer number of minor units (at most " +
                                   std::to_string(kMaxRefundAmount) + ")");
    } else if (minor) {
      out.amount.amount = *minor;
    }
    if (currency && !is_currency_code(*currency)) {
      v.add(m.field("currency"), "must be an ISO 4217 code in upper case, the payment's currency");
    } else if (currency) {
      out.amount.currency = *currency;
    }
  }
  if (auto reason = read_text(r, "reason", Presence::Required, kMaxRefundReasonLength, TextKind::MultiLine)) {
    out.reason = std::move(*reason);
  }
  v.throw_if_invalid();
  return out;
}

std::string parse_order_id_query(std::optional<std::string_view> order_id) {
  if (!order_id || order_id->empty()) throw ValidationError("order_id", "is required: the order whose payments to list");
  auto id = canonical_uuid(*order_id);
  if (!id) throw ValidationError("order_id", "must be a UUID");
  return *id;
}

json::object refund_json(const RefundRecord& r, const std::string& currency) {
  return json::object{{"id", r.id},
                      {"payment_id", r.payment_id},
                      {"amount", money(r.amount, currency)},
                      {"reason", r.reason},
                      {"status", r.status},
                      {"provider_reference", nullable(r.provider_reference)},
                      {"failure_message", nullable(r.failure_message)},
                      {"requested_by", nullable(r.requested_by)},
                      {"created_at", to_rfc3339_millis(r.created_at)}};
}

json::object payment_json(const PaymentView& p) {
  json::array refunds;
  for (const auto& r : p.refunds) refunds.push_back(refund_json(r, p.currency));
  json::object card;
  if (p.card_brand || p.card_last4) {
    card = json::object{{"brand", nullable(p.card_brand)}, {"last4", nullable(p.card_last4)}};
  }
  return json::object{
      {"id", p.id},
      {"order_id", p.order_id},
      {"customer_id", p.customer_id},
      {"merchant_id", p.merchant_id},
      {"status", std::string(to_string(p.status))},
      {"method", std::string(to_string(p.method))},
      {"provider", p.provider},
      {"provider_reference", nullable(p.provider_reference)},
      {"card", card.empty() ? json::value(nullptr) : json::value(std::move(card))},
      {"amount", money(p.amount, p.currency)},
      {"captured_amount", money(p.captured_amount, p.currency)},
      {"refunded_amount", money(p.refunded_amount, p.currency)},
      {"refundable_amount", money(p.captured_amount - p.refunded_amount, p.currency)},
      {"failure_code", nullable(p.failure_code)},
      {"failure_message", nullable(p.failure_message)},
      {"refunds", std::move(refunds)},
      {"version", p.version},
      {"created_at", to_rfc3339_millis(p.created_at)},
      {"updated_at", to_rfc3339_millis(p.updated_at)},
      {"authorized_at", time_or_null(p.authorized_at)},
      {"captured_at", time_or_null(p.captured_at)},
      {"voided_at", time_or_null(p.voided_at)},
      {"failed_at", time_or_null(p.failed_at)}};
}

json::object refund_result_json(const RefundResult& result) {
  const PaymentView& p = result.payment;
  json::object out = refund_json(result.refund, p.currency);
  out["payment"] = json::object{{"id", p.id},
                                {"status", std::string(to_string(p.status))},
                                {"captured_amount", money(p.captured_amount, p.currency)},
                                {"refunded_amount", money(p.refunded_amount, p.currency)},
                                {"refundable_amount", money(p.captured_amount - p.refunded_amount, p.currency)},
                                {"version", p.version}};
  return out;
}

json::object balances_json(const LedgerBalances& balances) {
  // One entry per currency: each account's balance (merchant_payable also per merchant), and the
  // total, zero whenever every transaction balances.
  struct PerCurrency {
    std::map<std::string, std::int64_t> accounts;
    json::array merchants;
    std::int64_t total = 0;
  };
  std::map<std::string, PerCurrency> by_currency;
  for (const auto& row : balances.rows) {
    auto& c = by_currency[row.currency];
    c.accounts[row.account] += row.balance;
    c.total += row.balance;
    if (row.account == "merchant_payable") {
      c.merchants.push_back(json::object{{"merchant_id", nullable(row.party_id)},
                                         {"balance", money(row.balance, row.currency)}});
    }
  }
  json::array currencies;
  for (auto& [currency, c] : by_currency) {
    json::object accounts;
    for (const char* name : {"customer", "merchant_payable", "platform_fees", "driver_cash_float", "provider_clearing"}) {
      auto it = c.accounts.find(name);
      accounts[name] = money(it == c.accounts.end() ? 0 : it->second, currency);
    }
    currencies.push_back(json::object{{"currency", currency},
                                      {"accounts", std::move(accounts)},
                                      {"merchants", std::move(c.merchants)},
                                      {"total", money(c.total, currency)}});
  }
  return json::object{{"currencies", std::move(currencies)},
                      {"transactions", balances.transactions},
                      {"lines", balances.lines}};
}

json::value payment_schema() {
  json::object card{{"type", json::array{"object", "null"}},
                    {"properties", json::object{{"brand", nullable_string()}, {"last4", nullable_string()}}}};
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "order_id", "status", "method", "provider", "amount", "captured_amount",
                               "refunded_amount", "refunds", "created_at"}},
      {"properties",
       json::object{{"id", uuid_type()},
                    {"order_id", uuid_type()},
                    {"customer_id", uuid_type()},
                    {"merchant_id", uuid_type()},
                    {"status", json::object{{"type", "string"}, {"enum", statuses()}}},
                    {"method", json::object{{"type", "string"}, {"enum", json::array{"card", "cash"}}}},
                    {"provider", string_type()},
                    {"provider_reference", nullable_string()},
                    {"card", std::move(card)},
                    {"amount", money_schema()},
                    {"captured_amount", money_schema()},
                    {"refunded_amount", money_schema()},
                    {"refundable_amount", money_schema()},
                    {"failure_code", nullable_string()},
                    {"failure_message", nullable_string()},
                    {"refunds", json::object{{"type", "array"}, {"items", refund_schema()}}},
                    {"version", json::object{{"type", "integer"}}},
                    {"created_at", time_type()},
                    {"updated_at", time_type()},
                    {"authorized_at", nullable_time()},
                    {"captured_at", nullable_time()},
                    {"voided_at", nullable_time()},
                    {"failed_at", nullable_time()}}}};
}

json::value payment_list_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"items"}},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", payment_schema()}}}}}};
}

json::value refund_request_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"amount", "reason"}},
      {"properties",
       json::object{{"amount", json::object{{"type", "object"},
                                            {"additionalProperties", false},
                                            {"required", json::array{"amount", "currency"}},
                                            {"properties",
                                             json::object{{"amount", json::object{{"type", "integer"},
                                                                                  {"minimum", 1},
                                                                                  {"maximum", kMaxRefundAmount}}},
                                                          {"currency", json::object{{"type", "string"},
                                                                                    {"pattern", "^[A-Z]{3}$"}}}}}}},
                    {"reason", json::object{{"type", "string"},
                                            {"minLength", 1},
                                            {"maxLength", kMaxRefundReasonLength}}}}}};
}

json::value refund_result_schema() {
  json::object schema = refund_schema();
  schema["properties"].as_object()["payment"] = json::object{
      {"type", "object"},
      {"properties", json::object{{"id", uuid_type()},
                                  {"status", json::object{{"type", "string"}, {"enum", statuses()}}},
                                  {"captured_amount", money_schema()},
                                  {"refunded_amount", money_schema()},
                                  {"refundable_amount", money_schema()},
                                  {"version", json::object{{"type", "integer"}}}}}};
  return schema;
}

json::value balances_schema() {
  json::object accounts;
  for (const char* name : {"customer", "merchant_payable", "platform_fees", "driver_cash_float", "provider_clearing"}) {
    accounts[name] = money_schema();
  }
  json::object per_currency{
      {"type", "object"},
      {"required", json::array{"currency", "accounts", "merchants", "total"}},
      {"properties",
       json::object{{"currency", string_type()},
                    {"accounts", json::object{{"type", "object"}, {"properties", std::move(accounts)}}},
                    {"merchants", json::object{{"type", "array"},
                                               {"items", json::object{{"type", "object"},
                                                                      {"properties",
                                                                       json::object{{"merchant_id", nullable_string()},
                                                                                    {"balance", money_schema()}}}}}}},
                    {"total", money_schema()}}}};
  return json::object{
      {"type", "object"},
      {"required", json::array{"currencies", "transactions", "lines"}},
      {"properties", json::object{{"currencies", json::object{{"type", "array"}, {"items", std::move(per_currency)}}},
                                  {"transactions", json::object{{"type", "integer"}}},
                                  {"lines", json::object{{"type", "integer"}}}}}};
}

}  // namespace nelo::payments
