#pragma once
// The bodies of the driver's steps: the hand-over ({pin}, or an admin's {reason}) and a failure
// ({reason}). Each throws ValidationError listing every problem by field.

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace nelo::deliveries {

// Reasons are kept in the history with at most 500 characters; an admin's override is prefixed.
inline constexpr std::size_t kMaxStepReasonLength = 480;

struct HandOver {
  std::optional<std::string> pin;     // 4 digits
  std::optional<std::string> reason;  // an admin confirming without the PIN
};

HandOver parse_hand_over(const boost::json::object& body);
std::string parse_failure(const boost::json::object& body);

}  // namespace nelo::deliveries
