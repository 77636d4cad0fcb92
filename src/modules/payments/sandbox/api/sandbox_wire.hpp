#pragma once
// The sandbox processor's HTTP API as JSON, both ways: what nelo sends (RemoteSandboxProvider)
// and what `nelo sandbox-processor` reads and answers (sandbox_routes). Readers of what the other
// side sent are fuzzed (tests/fuzz/payments_bodies_fuzz.cpp).
//
//   POST /v1/charges                      {payment_id, amount: {amount, currency}, token}
//                                          -> {kind, reference, card: {brand, last4}, decline_code,
//                                              decline_message, action_url}
//   POST /v1/charges/{reference}/capture  {amount: {amount, currency}} -> {succeeded, reference, failure_message}
//   POST /v1/charges/{reference}/void     {}                           -> the same
//   POST /v1/charges/{reference}/refunds  {refund_id, amount: {...}}   -> the same
//   GET  /v1/charges                      -> {charges: [...]} (sandbox_records.hpp)

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

#include "modules/payments/providers/payment_provider.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {

struct SandboxRefundCall {
  std::string refund_id;
  Money amount;
};

// Requests, written by nelo and read by the processor (ValidationError listing the problems).
boost::json::object authorize_call_json(const AuthorizationRequest& request);
AuthorizationRequest parse_authorize_call(const boost::json::object& body);
boost::json::object capture_call_json(const Money& amount);
Money parse_capture_call(const boost::json::object& body);
boost::json::object refund_call_json(const SandboxRefundCall& call);
SandboxRefundCall parse_refund_call(const boost::json::object& body);

// Answers, written by the processor and read by nelo (std::invalid_argument when not one).
boost::json::object authorization_outcome_json(const AuthorizationOutcome& outcome);
AuthorizationOutcome parse_authorization_outcome(const boost::json::value& body);
boost::json::object operation_outcome_json(const OperationOutcome& outcome);
OperationOutcome parse_operation_outcome(const boost::json::value& body);
boost::json::object charges_json(const std::vector<SandboxCharge>& charges);
std::vector<SandboxCharge> parse_charges(const boost::json::value& body);

}  // namespace nelo::payments
