#include "modules/payments/services/payment_events.hpp"

#include "modules/payments/names.hpp"

namespace nelo::payments {

boost::json::object payment_event_payload(const PaymentSnapshot& moved, const PaymentChange& change) {
  boost::json::object payload{{"payment_id", moved.id},
                              {"order_id", moved.order_id},
                              {"status", std::string(to_string(moved.status))},
                              {"amount", boost::json::object{{"amount", moved.amount}, {"currency", moved.currency}}},
                              {"version", moved.version}};
  if (moved.status == PaymentStatus::Failed) {
    payload["failure_code"] = change.failure_code.value_or("declined");
    payload["reason"] = change.failure_message.value_or("The payment was declined.");
  }
  return payload;
}

}  // namespace nelo::payments
