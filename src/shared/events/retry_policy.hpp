#pragma once
// When a failed delivery is tried again: exponential backoff with jitter, capped.

#include <chrono>

namespace nelo::events {

struct RetryPolicy {
  std::chrono::milliseconds base{1000};  // delay after the first failure (before jitter)
  std::chrono::milliseconds cap{std::chrono::hours(1)};
};

// Delay before the next attempt once `failed_attempts` (>= 1) attempts have failed:
// d = min(cap, base * 2^(failed_attempts - 1)), then "equal jitter": d/2 + d/2 * unit_random,
// so retries of many deliveries that failed together spread out, yet each waits at least d/2.
// unit_random is in [0, 1); the caller owns the random source so this stays a pure function.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts, double unit_random);

}  // namespace nelo::events
