#pragma once
// An amount of money in integer minor units (cents for EUR) and its ISO 4217 currency code.
// Never a floating-point number: prices, fees and totals are added and compared exactly.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string>

namespace nelo {

struct Money {
  std::int64_t amount = 0;  // minor units, >= 0 for prices
  std::string currency;     // "EUR": three upper-case letters

  bool operator==(const Money&) const = default;
};

// JSON: {"amount": 1250, "currency": "EUR"}. value_to throws std::invalid_argument naming the field.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const Money& money);
Money tag_invoke(const boost::json::value_to_tag<Money>&, const boost::json::value& in);

}  // namespace nelo
