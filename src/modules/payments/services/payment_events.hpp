#pragma once
// The payload of the payment.* events a status change publishes (docs/events.md, "Payment
// events"), written once for the saga and the webhook intake.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

#include "modules/payments/payment_models.hpp"
#include "modules/payments/repositories/payment_repository.hpp"

namespace nelo::payments {

// Which payment moved, to what, and its version after the move.
struct PaymentMoved {
  std::string payment_id;
  std::string order_id;
  PaymentStatus to = PaymentStatus::RequiresAuthorization;
  std::int64_t amount = 0;
  std::string currency;
  int version = 1;
};

// {payment_id, order_id, status, amount, version}, with failure_code and reason for a failure.
boost::json::object payment_event_payload(const PaymentMoved& moved, const PaymentChange& change);

}  // namespace nelo::payments
