#include "modules/catalog/api/v1/money_field.hpp"

#include <boost/json/value.hpp>

#include "modules/catalog/currency.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

std::string accepted_currency_list() {
  std::string list;
  for (const Currency& c : accepted_currencies()) {
    if (!list.empty()) list += ", ";
    list += c.code;
  }
  return list;
}

}  // namespace

std::optional<Money> read_money(JsonReader& r, std::string_view name, Presence presence, std::int64_t min_amount,
                                std::int64_t max_amount) {
  const json::object* object = nullptr;
  if (presence == Presence::Required) {
    object = r.required_object(name);
  } else if (presence == Presence::Optional || !null_given(r, name)) {
    object = r.optional_object(name);
  }
  if (!object) return std::nullopt;
  JsonReader m(*object, r.validator(), r.field(name));
  m.reject_unknown({"amount", "currency"});
  const auto amount = m.required_int("amount");
  const auto currency = m.required_string("currency");
  bool valid = amount && currency;
  if (amount && (*amount < min_amount || *amount > max_amount)) {
    m.validator().add(m.field("amount"), "must be an integer number of minor units between " +
                                             std::to_string(min_amount) + " and " + std::to_string(max_amount));
    valid = false;
  }
  if (currency && !find_currency(*currency)) {
    m.validator().add(m.field("currency"),
                      "must be an ISO 4217 code in upper case, one of: " + accepted_currency_list());
    valid = false;
  }
  if (!valid) return std::nullopt;
  Money money;
  money.amount = *amount;
  money.currency = *currency;
  return money;
}

}  // namespace nelo::catalog
