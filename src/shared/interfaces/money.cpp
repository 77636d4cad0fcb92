#include "shared/interfaces/money.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace nelo {
namespace json = boost::json;

void tag_invoke(const json::value_from_tag&, json::value& out, const Money& money) {
  out = json::object{{"amount", money.amount}, {"currency", money.currency}};
}

Money tag_invoke(const json::value_to_tag<Money>&, const json::value& in) {
  const json::object* object = in.if_object();
  if (!object) throw std::invalid_argument("Money: expected a JSON object");
  const json::value* amount = object->if_contains("amount");
  if (!amount) throw std::invalid_argument("Money.amount: missing");
  Money money;
  // An exact integer: 12.5 (or 12.0) is not an amount in minor units.
  if (amount->is_int64()) {
    money.amount = amount->get_int64();
  } else if (amount->is_uint64() &&
             amount->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    money.amount = static_cast<std::int64_t>(amount->get_uint64());
  } else {
    throw std::invalid_argument("Money.amount: expected an integer (minor units)");
  }
  const json::value* currency = object->if_contains("currency");
  if (!currency) throw std::invalid_argument("Money.currency: missing");
  const json::string* code = currency->if_string();
  const bool three_upper = code && code->size() == 3 && std::all_of(code->begin(), code->end(), [](char c) {
    return c >= 'A' && c <= 'Z';
  });
  if (!three_upper) throw std::invalid_argument("Money.currency: expected three upper-case letters");
  money.currency = std::string(*code);
  return money;
}

}  // namespace nelo
