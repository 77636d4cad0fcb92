#include "modules/payments/sandbox/sandbox_event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace nelo::payments {
namespace {

namespace json = boost::json;

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

std::optional<ProviderEvent> read_sandbox_event(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& o = parsed.as_object();
  const auto* data_value = o.if_contains("data");
  if (!data_value || !data_value->is_object()) return std::nullopt;
  const auto& data = data_value->as_object();
  ProviderEvent e;
  auto id = string_at(o, "id");
  auto type = string_at(o, "type");
  auto reference = string_at(data, "reference");
  if (!id || !type || !reference || id->empty() || id->size() > 200 || type->empty() || type->size() > 100) {
    return std::nullopt;
  }
  e.id = std::move(*id);
  e.type = std::move(*type);
  e.reference = std::move(*reference);
  // Unix seconds up to the year 9999 (beyond, the microseconds would overflow).
  if (const auto* created = o.if_contains("created");
      created && created->is_int64() && created->as_int64() >= 0 && created->as_int64() <= 253'402'300'799) {
    e.occurred_at = Timestamp(std::chrono::seconds(created->as_int64()));
  }
  if (const auto* card = data.if_contains("card"); card && card->is_object()) {
    e.card_brand = string_at(card->as_object(), "brand");
    e.card_last4 = string_at(card->as_object(), "last4");
  }
  e.payment_id = string_at(data, "payment_id");
  e.decline_code = string_at(data, "decline_code");
  e.decline_message = string_at(data, "decline_message");
  if (const auto* refund = data.if_contains("refund"); refund && refund->is_object()) {
    e.refund_reference = string_at(refund->as_object(), "reference");
  }
  return e;
}

}  // namespace nelo::payments
