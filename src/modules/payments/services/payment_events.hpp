#pragma once
// The payload of the payment.* events a status change publishes (docs/events.md, "Payment
// events"), written once for the saga and the webhook intake.

#include <boost/json/object.hpp>

#include "modules/payments/repositories/payment_repository.hpp"

namespace nelo::payments {

// `moved` is the payment after its move (its new status and version): {payment_id, order_id,
// status, amount, version}, with failure_code and reason for a failure.
boost::json::object payment_event_payload(const PaymentSnapshot& moved, const PaymentChange& change);

}  // namespace nelo::payments
