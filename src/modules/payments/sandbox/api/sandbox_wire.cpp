#include "modules/payments/sandbox/api/sandbox_wire.hpp"

#include <boost/json/array.hpp>

#include <stdexcept>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "modules/payments/sandbox/sandbox_records.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;
using Kind = AuthorizationOutcome::Kind;

json::object money_json(const Money& m) { return json::object{{"amount", m.amount}, {"currency", m.currency}}; }

std::optional<Money> read_money(JsonReader& r, std::string_view name) {
  const json::object* o = r.required_object(name);
  if (!o) return std::nullopt;
  JsonReader m(*o, r.validator(), r.field(name));
  m.reject_unknown({"amount", "currency"});
  auto amount = m.required_int("amount");
  auto currency = m.required_string("currency");
  if (!amount || !currency) return std::nullopt;
  if (currency->size() != 3) {
    r.validator().add(m.field("currency"), "must be a three-letter code");
    return std::nullopt;
  }
  return Money{*amount, *currency};
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::Authorized: return "authorized";
    case Kind::Declined: return "declined";
    case Kind::Pending: return "pending";
    case Kind::RequiresAction: return "requires_action";
  }
  return "pending";
}

json::value nullable(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

const json::object& as_object(const json::value& v, const char* what) {
  if (!v.is_object()) throw std::invalid_argument(std::string("sandbox: ") + what + " is not a JSON object");
  return v.as_object();
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw std::invalid_argument("sandbox: " + std::string(key) + " is not a string");
  return std::string(v->as_string());
}

std::string required_string(const json::object& o, std::string_view key) {
  auto s = optional_string(o, key);
  if (!s) throw std::invalid_argument("sandbox: " + std::string(key) + " is missing");
  return *s;
}

}  // namespace

json::object authorize_call_json(const AuthorizationRequest& request) {
  return json::object{{"payment_id", request.payment_id},
                      {"amount", money_json(request.amount)},
                      {"token", request.card_token}};
}

AuthorizationRequest parse_authorize_call(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"payment_id", "amount", "token"});
  AuthorizationRequest out;
  auto payment_id = r.required_string("payment_id");
  auto amount = read_money(r, "amount");
  auto token = r.required_string("token");
  if (payment_id && (payment_id->empty() || payment_id->size() > 64)) v.add("payment_id", "must be 1 to 64 characters");
  if (token && token->size() > 200) v.add("token", "must be at most 200 characters");
  v.throw_if_invalid();
  out.payment_id = std::move(*payment_id);
  out.amount = std::move(*amount);
  out.card_token = std::move(*token);
  return out;
}

json::object capture_call_json(const Money& amount) { return json::object{{"amount", money_json(amount)}}; }

Money parse_capture_call(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"amount"});
  auto amount = read_money(r, "amount");
  v.throw_if_invalid();
  return *amount;
}

json::object refund_call_json(const SandboxRefundCall& call) {
  return json::object{{"refund_id", call.refund_id}, {"amount", money_json(call.amount)}};
}

SandboxRefundCall parse_refund_call(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"refund_id", "amount"});
  auto refund_id = r.required_string("refund_id");
  auto amount = read_money(r, "amount");
  if (refund_id && (refund_id->empty() || refund_id->size() > 64)) v.add("refund_id", "must be 1 to 64 characters");
  v.throw_if_invalid();
  return SandboxRefundCall{std::move(*refund_id), std::move(*amount)};
}

json::object authorization_outcome_json(const AuthorizationOutcome& o) {
  return json::object{{"kind", kind_name(o.kind)},
                      {"reference", o.reference},
                      {"card", json::object{{"brand", nullable(o.card_brand)}, {"last4", nullable(o.card_last4)}}},
                      {"decline_code", nullable(o.decline_code)},
                      {"decline_message", nullable(o.decline_message)},
                      {"action_url", nullable(o.action_url)}};
}

AuthorizationOutcome parse_authorization_outcome(const json::value& body) {
  const auto& o = as_object(body, "an authorization's answer");
  AuthorizationOutcome out;
  const std::string kind = required_string(o, "kind");
  if (kind == "authorized") out.kind = Kind::Authorized;
  else if (kind == "declined") out.kind = Kind::Declined;
  else if (kind == "pending") out.kind = Kind::Pending;
  else if (kind == "requires_action") out.kind = Kind::RequiresAction;
  else throw std::invalid_argument("sandbox: unknown authorization kind");
  out.reference = required_string(o, "reference");
  if (const auto* card = o.if_contains("card"); card && card->is_object()) {
    out.card_brand = optional_string(card->as_object(), "brand");
    out.card_last4 = optional_string(card->as_object(), "last4");
  }
  out.decline_code = optional_string(o, "decline_code");
  out.decline_message = optional_string(o, "decline_message");
  out.action_url = optional_string(o, "action_url");
  return out;
}

json::object operation_outcome_json(const OperationOutcome& o) {
  return json::object{{"succeeded", o.succeeded}, {"reference", o.reference}, {"failure_message", nullable(o.failure_message)}};
}

OperationOutcome parse_operation_outcome(const json::value& body) {
  const auto& o = as_object(body, "an operation's answer");
  const auto* succeeded = o.if_contains("succeeded");
  if (!succeeded || !succeeded->is_bool()) throw std::invalid_argument("sandbox: succeeded is missing");
  return OperationOutcome{succeeded->as_bool(), optional_string(o, "reference").value_or(""),
                          optional_string(o, "failure_message")};
}

json::object charges_json(const std::vector<SandboxCharge>& charges) {
  json::array out;
  for (const auto& c : charges) out.push_back(charge_to_json(c));
  return json::object{{"charges", std::move(out)}};
}

std::vector<SandboxCharge> parse_charges(const json::value& body) {
  const auto& o = as_object(body, "the charges");
  const auto* list = o.if_contains("charges");
  if (!list || !list->is_array()) throw std::invalid_argument("sandbox: charges is missing");
  std::vector<SandboxCharge> out;
  for (const auto& item : list->as_array()) {
    auto charge = charge_from_json(item);
    if (!charge) throw std::invalid_argument("sandbox: a charge could not be read");
    out.push_back(std::move(*charge));
  }
  return out;
}

}  // namespace nelo::payments
