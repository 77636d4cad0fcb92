#include "modules/payments/sandbox/sandbox_records.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace nelo::payments {
namespace {

namespace json = boost::json;

std::int64_t micros(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
Timestamp from_micros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

json::value nullable(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }

// Typed reads that leave `ok` false on a missing field or a wrong type.
struct Reader {
  const json::object& o;
  bool ok = true;

  std::string str(std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) {
      ok = false;
      return {};
    }
    return std::string(v->as_string());
  }
  std::optional<std::string> opt_str(std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) {
      ok = false;
      return std::nullopt;
    }
    return std::string(v->as_string());
  }
  std::int64_t num(std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_int64()) {
      ok = false;
      return 0;
    }
    return v->as_int64();
  }
  std::optional<std::int64_t> opt_num(std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_int64()) {
      ok = false;
      return std::nullopt;
    }
    return v->as_int64();
  }
};

}  // namespace

json::value charge_to_json(const SandboxCharge& c) {
  json::array refunds;
  for (const auto& r : c.refunds) {
    refunds.push_back(json::object{{"reference", r.reference},
                                   {"refund_id", r.refund_id},
                                   {"amount", r.amount},
                                   {"created_at_us", micros(r.created_at)}});
  }
  return json::object{{"reference", c.reference},
                      {"payment_id", c.payment_id},
                      {"amount", c.amount.amount},
                      {"currency", c.amount.currency},
                      {"status", c.status},
                      {"card_brand", c.card_brand},
                      {"card_last4", c.card_last4},
                      {"decline_code", nullable(c.decline_code)},
                      {"decline_message", nullable(c.decline_message)},
                      {"captured", c.captured},
                      {"refunded", c.refunded},
                      {"refunds", std::move(refunds)},
                      {"created_at_us", micros(c.created_at)},
                      {"settles_at_us", c.settles_at ? json::value(micros(*c.settles_at)) : json::value(nullptr)}};
}

std::optional<SandboxCharge> charge_from_json(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  Reader r{value.as_object()};
  SandboxCharge c;
  c.reference = r.str("reference");
  c.payment_id = r.str("payment_id");
  c.amount.amount = r.num("amount");
  c.amount.currency = r.str("currency");
  c.status = r.str("status");
  c.card_brand = r.str("card_brand");
  c.card_last4 = r.str("card_last4");
  c.decline_code = r.opt_str("decline_code");
  c.decline_message = r.opt_str("decline_message");
  c.captured = r.num("captured");
  c.refunded = r.num("refunded");
  c.created_at = from_micros(r.num("created_at_us"));
  if (auto settles = r.opt_num("settles_at_us")) c.settles_at = from_micros(*settles);
  const auto* refunds = value.as_object().if_contains("refunds");
  if (!refunds || !refunds->is_array()) return std::nullopt;
  for (const auto& item : refunds->as_array()) {
    if (!item.is_object()) return std::nullopt;
    Reader f{item.as_object()};
    SandboxRefund refund{f.str("reference"), f.str("refund_id"), f.num("amount"), from_micros(f.num("created_at_us"))};
    if (!f.ok) return std::nullopt;
    c.refunds.push_back(std::move(refund));
  }
  if (!r.ok || c.reference.empty()) return std::nullopt;
  return c;
}

json::value event_to_json(const SandboxEvent& e) {
  return json::object{{"id", e.id}, {"type", e.type}, {"reference", e.reference}, {"body", e.body}};
}

std::optional<SandboxEvent> event_from_json(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  Reader r{value.as_object()};
  SandboxEvent e{r.str("id"), r.str("type"), r.str("reference"), r.str("body")};
  if (!r.ok || e.id.empty()) return std::nullopt;
  return e;
}

ProviderRecords sandbox_records(const std::vector<SandboxCharge>& charges) {
  ProviderRecords out;
  out.provider = "sandbox";
  for (const auto& c : charges) {
    ProviderRecord record{c.reference, c.payment_id, c.status, c.amount.amount, c.amount.currency,
                          c.captured, c.refunded, {}};
    for (const auto& r : c.refunds) record.refunds.push_back({r.refund_id, r.amount});
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace nelo::payments
