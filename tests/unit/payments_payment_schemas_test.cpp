// The payments routes' readers and writers: a refund's body (every problem at once, money as
// integer minor units), ?order_id=, a payment as shown (amounts, refundable, card, refunds, never
// a token field), the ledger's balances per currency with their zero total.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "modules/payments/api/v1/payment_schemas.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;

std::vector<std::string> fields_of(const json::object& body) {
  try {
    parse_refund_body(body);
  } catch (const ValidationError& e) {
    std::vector<std::string> out;
    for (const auto& f : e.errors()) out.push_back(f.field);
    return out;
  }
  return {};
}

TEST(PaymentSchemas, ARefundBodyIsAnAmountOfMinorUnitsAndAReason) {
  const auto body = parse_refund_body(json::parse(R"({"amount": {"amount": 500, "currency": "EUR"}, "reason": "  Late "})")
                                          .as_object());
  EXPECT_EQ(body.amount.amount, 500);
  EXPECT_EQ(body.amount.currency, "EUR");
  EXPECT_EQ(body.reason, "Late");
  EXPECT_EQ(fields_of(json::parse(R"({})").as_object()), (std::vector<std::string>{"amount", "reason"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": {"amount": 0, "currency": "EUR"}, "reason": "x"})").as_object()),
            (std::vector<std::string>{"amount.amount"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": {"amount": 2.5, "currency": "EUR"}, "reason": "x"})").as_object()),
            (std::vector<std::string>{"amount.amount"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": 500, "reason": "x"})").as_object()),
            (std::vector<std::string>{"amount"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": {"amount": 5, "currency": "eur", "x": 1}, "reason": "x"})").as_object()),
            (std::vector<std::string>{"amount.x", "amount.currency"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": {"amount": 5, "currency": "EUR"}, "reason": "   ", "id": 1})").as_object()),
            (std::vector<std::string>{"id", "reason"}));
  EXPECT_EQ(fields_of(json::parse(R"({"amount": {"amount": 5, "currency": "EUR"}, "reason": ")" + std::string(501, 'a') +
                                  R"("})")
                          .as_object()),
            (std::vector<std::string>{"reason"}));
}

TEST(PaymentSchemas, OrderIdMustBeAUuid) {
  EXPECT_EQ(parse_order_id_query("01A21464-0000-7000-8000-0000000000A1"), "01a21464-0000-7000-8000-0000000000a1");
  EXPECT_THROW(parse_order_id_query(std::nullopt), ValidationError);
  EXPECT_THROW(parse_order_id_query(""), ValidationError);
  EXPECT_THROW(parse_order_id_query("42"), ValidationError);
}

TEST(PaymentSchemas, APaymentShowsItsAmountsCardAndRefundsButNoToken) {
  PaymentView p;
  p.id = "p";
  p.order_id = "o";
  p.currency = "EUR";
  p.amount = 2950;
  p.captured_amount = 2950;
  p.refunded_amount = 1000;
  p.status = PaymentStatus::PartiallyRefunded;
  p.card_brand = "visa";
  p.card_last4 = "4242";
  p.refunds.push_back(RefundRecord{"r", "p", 1000, "Late", "succeeded", "re_1", {}, {}, {}});
  const json::object out = payment_json(p);
  EXPECT_EQ(out.at("status").as_string(), "partially_refunded");
  EXPECT_EQ(out.at("refundable_amount").at("amount").as_int64(), 1950);
  EXPECT_EQ(out.at("card").at("last4").as_string(), "4242");
  EXPECT_EQ(out.at("refunds").as_array().size(), 1u);
  EXPECT_EQ(out.at("refunds").as_array()[0].at("amount").at("currency").as_string(), "EUR");
  EXPECT_EQ(json::serialize(out).find("token"), std::string::npos);
  p.card_brand.reset();
  p.card_last4.reset();
  EXPECT_TRUE(payment_json(p).at("card").is_null()) << "cash";
}

TEST(PaymentSchemas, BalancesArePerCurrencyWithMerchantsAndAZeroTotal) {
  LedgerBalances b;
  b.rows = {{"EUR", "customer", std::nullopt, 1950},
            {"EUR", "merchant_payable", std::string("m1"), -1500},
            {"EUR", "merchant_payable", std::string("m2"), -228},
            {"EUR", "platform_fees", std::nullopt, -222},
            {"GBP", "driver_cash_float", std::nullopt, 700},
            {"GBP", "merchant_payable", std::string("m3"), -700}};
  b.transactions = 4;
  const json::object out = balances_json(b);
  const auto& currencies = out.at("currencies").as_array();
  ASSERT_EQ(currencies.size(), 2u);
  EXPECT_EQ(currencies[0].at("currency").as_string(), "EUR");
  EXPECT_EQ(currencies[0].at("accounts").at("merchant_payable").at("amount").as_int64(), -1728);
  EXPECT_EQ(currencies[0].at("accounts").at("driver_cash_float").at("amount").as_int64(), 0);
  EXPECT_EQ(currencies[0].at("merchants").as_array().size(), 2u);
  EXPECT_EQ(currencies[0].at("total").at("amount").as_int64(), 0);
  EXPECT_EQ(currencies[1].at("total").at("amount").as_int64(), 0);
  EXPECT_EQ(out.at("transactions").as_int64(), 4);
}

}  // namespace
}  // namespace nelo::payments
