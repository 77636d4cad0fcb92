#include <gtest/gtest.h>

#include "shared/events/retry_policy.hpp"

namespace nelo::events {
namespace {

using std::chrono::milliseconds;

TEST(BackoffDelay, DoublesPerFailedAttempt) {
  const RetryPolicy policy{milliseconds(100), std::chrono::hours(1)};
  // unit_random = 1 gives the full (unjittered) delay.
  EXPECT_EQ(backoff_delay(policy, 1, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 2, 1.0), milliseconds(200));
  EXPECT_EQ(backoff_delay(policy, 3, 1.0), milliseconds(400));
  EXPECT_EQ(backoff_delay(policy, 6, 1.0), milliseconds(3200));
}

TEST(BackoffDelay, JitterStaysWithinHalfAndFullDelay) {
  const RetryPolicy policy{milliseconds(1000), std::chrono::hours(1)};
  EXPECT_EQ(backoff_delay(policy, 3, 0.0), milliseconds(2000));
  EXPECT_EQ(backoff_delay(policy, 3, 0.5), milliseconds(3000));
  for (double r = 0.0; r < 1.0; r += 0.05) {
    const auto d = backoff_delay(policy, 3, r);
    EXPECT_GE(d, milliseconds(2000));
    EXPECT_LE(d, milliseconds(4000));
  }
}

TEST(BackoffDelay, IsCapped) {
  const RetryPolicy policy{milliseconds(1000), milliseconds(5000)};
  EXPECT_EQ(backoff_delay(policy, 10, 1.0), milliseconds(5000));
  EXPECT_EQ(backoff_delay(policy, 10, 0.0), milliseconds(2500));
  // Huge attempt counts neither overflow nor go negative.
  EXPECT_EQ(backoff_delay(policy, 1000000, 1.0), milliseconds(5000));
}

TEST(BackoffDelay, ToleratesOutOfRangeInputs) {
  const RetryPolicy policy{milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(backoff_delay(policy, 0, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, -3, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 1, 7.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 1, -1.0), milliseconds(50));
  EXPECT_EQ(backoff_delay({milliseconds(0), milliseconds(0)}, 5, 0.3), milliseconds(0));
}

}  // namespace
}  // namespace nelo::events
