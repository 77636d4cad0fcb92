#pragma once
// The payments routes' request readers, response writers and OpenAPI schemas (the HTTP shapes of
// GET /api/v1/payments..., POST .../refunds and GET .../ledger/balances). No database, no HTTP
// server: the fuzz target feeds the readers any bytes.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "modules/payments/ledger_report.hpp"
#include "modules/payments/payment_record.hpp"
#include "shared/interfaces/money.hpp"

namespace nelo::payments {

inline constexpr std::size_t kMaxRefundReasonLength = 500;
// Far above any order: a refund's amount is checked against what is left to refund anyway.
inline constexpr std::int64_t kMaxRefundAmount = 100'000'000'000;

struct RefundBody {
  Money amount;
  std::string reason;
};

// {"amount": {"amount": 500, "currency": "EUR"}, "reason": "..."}; ValidationError (422) listing
// every problem: an unknown field, an amount that is not a positive integer of minor units or a
// currency that is not three upper-case letters, a blank or too long reason.
RefundBody parse_refund_body(const boost::json::object& body);

// ?order_id=: required, a UUID. ValidationError (field order_id) otherwise.
std::string parse_order_id_query(std::optional<std::string_view> order_id);

// Responses. A payment never shows a token (there is none to show), only brand and last four.
boost::json::object payment_json(const PaymentView& payment);
boost::json::object refund_json(const RefundRecord& refund, const std::string& currency);
boost::json::object refund_result_json(const RefundResult& result);
boost::json::object balances_json(const LedgerBalances& balances);

// OpenAPI.
boost::json::value payment_schema();
boost::json::value payment_list_schema();
boost::json::value refund_request_schema();
boost::json::value refund_result_schema();
boost::json::value balances_schema();

}  // namespace nelo::payments
