#include "modules/deliveries/api/v1/step_bodies.hpp"

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"

namespace nelo::deliveries {

HandOver parse_hand_over(const boost::json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"pin", "reason"});
  HandOver out;
  out.pin = read_string(r, "pin", Presence::Optional);
  if (out.pin && (out.pin->size() != 4 || out.pin->find_first_not_of("0123456789") != std::string::npos)) {
    v.add("pin", "must be the 4 digits the customer was given, e.g. \"0427\"");
  }
  out.reason = read_text(r, "reason", Presence::Optional, kMaxStepReasonLength);
  v.throw_if_invalid();
  return out;
}

std::string parse_failure(const boost::json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"reason"});
  auto reason = read_text(r, "reason", Presence::Required, kMaxStepReasonLength);
  v.throw_if_invalid();
  return reason.value_or(std::string());
}

}  // namespace nelo::deliveries
