// Money's wire form: {"amount": <integer minor units>, "currency": "EUR"}, exact both ways.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <limits>
#include <stdexcept>

#include "shared/interfaces/money.hpp"

namespace nelo {
namespace {

namespace json = boost::json;

Money money_from(std::string_view text) { return json::value_to<Money>(json::parse(text)); }

std::string error_of(std::string_view text) {
  try {
    money_from(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(MoneyJson, RoundTripsExactly) {
  for (const Money& m : {Money{0, "EUR"}, Money{1250, "EUR"}, Money{1, "JPY"},
                         Money{std::numeric_limits<std::int64_t>::max(), "USD"}}) {
    const json::value v = json::value_from(m);
    EXPECT_EQ(json::value_to<Money>(v), m);
    EXPECT_TRUE(v.at("amount").is_int64()) << "an integer, never a float";
  }
  EXPECT_EQ(json::serialize(json::value_from(Money{1250, "EUR"})), R"({"amount":1250,"currency":"EUR"})");
  EXPECT_EQ(money_from(R"({"currency": "GBP", "amount": 99})"), (Money{99, "GBP"}));
}

TEST(MoneyJson, RefusesWhatIsNotMoneyNamingTheField) {
  EXPECT_EQ(error_of("12.5"), "Money: expected a JSON object");
  EXPECT_EQ(error_of(R"({"currency": "EUR"})"), "Money.amount: missing");
  EXPECT_EQ(error_of(R"({"amount": 12.5, "currency": "EUR"})"), "Money.amount: expected an integer (minor units)");
  EXPECT_EQ(error_of(R"({"amount": 12.0, "currency": "EUR"})"), "Money.amount: expected an integer (minor units)");
  EXPECT_EQ(error_of(R"({"amount": "1250", "currency": "EUR"})"), "Money.amount: expected an integer (minor units)");
  EXPECT_EQ(error_of(R"({"amount": 18446744073709551615, "currency": "EUR"})"),
            "Money.amount: expected an integer (minor units)");
  EXPECT_EQ(error_of(R"({"amount": 1250})"), "Money.currency: missing");
  for (const char* currency : {R"("eur")", R"("EURO")", R"("E1R")", R"("")", "null", "978"}) {
    EXPECT_EQ(error_of(std::string(R"({"amount": 1250, "currency": )") + currency + "}"),
              "Money.currency: expected three upper-case letters")
        << currency;
  }
}

}  // namespace
}  // namespace nelo
