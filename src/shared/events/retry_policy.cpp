#include "shared/events/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace nelo::events {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts, double unit_random) {
  const double base = static_cast<double>(std::max<std::int64_t>(policy.base.count(), 0));
  const double cap = static_cast<double>(std::max<std::int64_t>(policy.cap.count(), 0));
  // Past 2^62 the product overflows any duration; the cap applies long before.
  const int exponent = std::clamp(failed_attempts - 1, 0, 62);
  const double full = std::min(cap, base * std::ldexp(1.0, exponent));
  const double r = std::clamp(unit_random, 0.0, 1.0);
  const double jittered = full / 2.0 + (full / 2.0) * r;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(std::min(jittered, cap))));
}

}  // namespace nelo::events
