#include "modules/deliveries/services/pin.hpp"

#include <cstdio>

#include "core/security/tokens.hpp"

namespace nelo::deliveries {

std::string new_pin() {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04u", static_cast<unsigned>(security::random_below(10000)));
  return digits;
}

}  // namespace nelo::deliveries
