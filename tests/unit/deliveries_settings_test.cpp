// NELO_DELIVERIES_* settings: the contract's defaults, overrides, and every bad value reported.

#include "modules/deliveries/deliveries_settings.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nelo::deliveries {
namespace {

using namespace std::chrono_literals;

TEST(DeliveriesSettings, DefaultsFollowTheContract) {
  std::map<std::string, std::string> env;
  auto s = deliveries_settings_from_environment(&env);
  EXPECT_EQ(s.driver_silence_timeout, 60s);
  EXPECT_EQ(s.ping_max_age, 600s);
  EXPECT_EQ(s.ping_max_future, 30s);
  EXPECT_EQ(s.position_flush_interval, 1000ms);
  EXPECT_EQ(s.offer_timeout, 30s);
  EXPECT_EQ(s.search_radius_start_m, 1000);
  EXPECT_EQ(s.search_radius_max_m, 8000);
  EXPECT_EQ(s.dispatch_retry_interval, 15s);
  EXPECT_EQ(s.unassigned_after, 300s);
  EXPECT_EQ(s.offer_fanout, 1);
  EXPECT_EQ(s.dispatch_sweep_interval, 500ms);
  EXPECT_EQ(s.pin_max_attempts, 5);
  EXPECT_EQ(s.live_retention, 3600s);
}

TEST(DeliveriesSettings, VariablesOverrideTheDefaults) {
  std::map<std::string, std::string> env{{"NELO_DELIVERIES_DRIVER_SILENCE_SECONDS", "5"},
                                         {"NELO_DELIVERIES_POSITION_FLUSH_MS", "100"},
                                         {"NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS", "45"},
                                         {"NELO_DELIVERIES_PING_MAX_AGE_SECONDS", "120"},
                                         {"NELO_DELIVERIES_PING_MAX_FUTURE_SECONDS", "0"},
                                         {"NELO_DELIVERIES_SEARCH_RADIUS_MAX_M", "12000"},
                                         {"NELO_DELIVERIES_OFFER_FANOUT", "3"},
                                         {"NELO_DELIVERIES_DISPATCH_SWEEP_MS", "250"},
                                         {"NELO_DELIVERIES_LIVE_RETENTION_SECONDS", "600"}};
  auto s = deliveries_settings_from_environment(&env);
  EXPECT_EQ(s.driver_silence_timeout, 5s);
  EXPECT_EQ(s.position_flush_interval, 100ms);
  EXPECT_EQ(s.offer_timeout, 45s);
  EXPECT_EQ(s.ping_max_age, 120s);
  EXPECT_EQ(s.ping_max_future, 0s);
  EXPECT_EQ(s.search_radius_max_m, 12000);
  EXPECT_EQ(s.offer_fanout, 3);
  EXPECT_EQ(s.dispatch_sweep_interval, 250ms);
  EXPECT_EQ(s.live_retention, 600s);
}

TEST(DeliveriesSettings, TheLiveRetentionIsAtLeastTheSilenceTimeout) {
  std::map<std::string, std::string> env{{"NELO_DELIVERIES_DRIVER_SILENCE_SECONDS", "120"},
                                         {"NELO_DELIVERIES_LIVE_RETENTION_SECONDS", "60"}};
  try {
    (void)deliveries_settings_from_environment(&env);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("must be at least NELO_DELIVERIES_DRIVER_SILENCE_SECONDS"), std::string::npos)
        << e.what();
  }
}

TEST(DeliveriesSettings, EveryBadValueIsReported) {
  std::map<std::string, std::string> env{{"NELO_DELIVERIES_DRIVER_SILENCE_SECONDS", "0"},
                                         {"NELO_DELIVERIES_POSITION_FLUSH_MS", "1s"},
                                         {"NELO_DELIVERIES_SEARCH_RADIUS_START_M", "9000"},
                                         {"NELO_DELIVERIES_OFFER_FANOUT", "0"}};
  try {
    (void)deliveries_settings_from_environment(&env);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("NELO_DELIVERIES_DRIVER_SILENCE_SECONDS"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_DELIVERIES_POSITION_FLUSH_MS"), std::string::npos) << message;
    EXPECT_NE(message.find("must not exceed NELO_DELIVERIES_SEARCH_RADIUS_MAX_M"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_DELIVERIES_OFFER_FANOUT"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace nelo::deliveries
