// NELO_AUTH_* settings: defaults, overrides, and every bad value reported.

#include "modules/auth/services/auth_settings.hpp"

#include <gtest/gtest.h>

namespace nelo::auth {
namespace {

using namespace std::chrono_literals;

TEST(AuthSettings, DefaultsFollowTheIssue) {
  Config config;
  config.jwt_issuer = "iss";
  config.jwt_audience = "aud";
  config.jwt_access_ttl = 600s;
  config.jwt_key_encryption_key = std::string(64, 'a');
  std::map<std::string, std::string> env;
  auto s = auth_settings_from_environment(config, &env);
  EXPECT_EQ(s.issuer, "iss");
  EXPECT_EQ(s.audience, "aud");
  EXPECT_EQ(s.access_ttl, 600s);
  EXPECT_EQ(s.key_encryption_key, std::string(64, 'a'));
  EXPECT_EQ(s.max_failures_per_account_and_address, 5);
  EXPECT_EQ(s.max_failures_per_address, 20);
  EXPECT_EQ(s.max_failures_per_account, 100) << "a ceiling far above what one address may try";
  EXPECT_EQ(s.throttle_window, 900s);
  EXPECT_EQ(s.throttle_max_delay, 900s);
  EXPECT_EQ(s.account_max_delay, 30s);
  EXPECT_EQ(s.max_registrations_per_address, 20);
  EXPECT_EQ(s.registration_window, 3600s);
  EXPECT_EQ(s.session_max_age, std::chrono::seconds(90 * 24 * 3600));
  EXPECT_EQ(s.max_sessions_per_user, 10);
  EXPECT_EQ(s.refresh_ttl, std::chrono::seconds(30 * 24 * 3600));
  EXPECT_EQ(s.key_refresh_interval, 30s);
  EXPECT_EQ(s.key_activation_delay, 60s);
  EXPECT_GE(s.hash_threads, 1u);
  EXPECT_EQ(s.rotation_overlap(), 630s);
}

TEST(AuthSettings, ReadsOverrides) {
  Config config;
  std::map<std::string, std::string> env{{"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", "300"},
                                         {"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS", "3"},
                                         {"NELO_AUTH_THROTTLE_MAX_DELAY_SECONDS", "60"},
                                         {"NELO_AUTH_ACCOUNT_MAX_DELAY_SECONDS", "5"},
                                         {"NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS", "7"},
                                         {"NELO_AUTH_REGISTRATION_WINDOW_SECONDS", "600"},
                                         {"NELO_AUTH_SESSION_MAX_AGE_SECONDS", "86400"},
                                         {"NELO_AUTH_MAX_SESSIONS_PER_USER", "2"},
                                         {"NELO_AUTH_MAX_FAILURES_PER_ADDRESS", "50"},
                                         {"NELO_AUTH_THROTTLE_WINDOW_SECONDS", "2"},
                                         {"NELO_AUTH_REFRESH_TTL_SECONDS", "3600"},
                                         {"NELO_AUTH_KEY_REFRESH_SECONDS", "5"},
                                         {"NELO_AUTH_HASH_THREADS", "3"},
                                         {"NELO_AUTH_HASH_MAX_PENDING", "8"}};
  auto s = auth_settings_from_environment(config, &env);
  EXPECT_EQ(s.max_failures_per_account, 300);
  EXPECT_EQ(s.max_failures_per_account_and_address, 3);
  EXPECT_EQ(s.throttle_max_delay, 60s);
  EXPECT_EQ(s.account_max_delay, 5s);
  EXPECT_EQ(s.max_registrations_per_address, 7);
  EXPECT_EQ(s.registration_window, 600s);
  EXPECT_EQ(s.session_max_age, 86400s);
  EXPECT_EQ(s.max_sessions_per_user, 2);
  EXPECT_EQ(s.max_failures_per_address, 50);
  EXPECT_EQ(s.throttle_window, 2s);
  EXPECT_EQ(s.refresh_ttl, 3600s);
  EXPECT_EQ(s.key_refresh_interval, 5s);
  EXPECT_EQ(s.key_activation_delay, 10s) << "twice the refresh interval unless set";
  EXPECT_EQ(s.hash_threads, 3u);
  EXPECT_EQ(s.hash_max_pending, 8u);
  env["NELO_AUTH_KEY_ACTIVATION_DELAY_SECONDS"] = "0";
  EXPECT_EQ(auth_settings_from_environment(config, &env).key_activation_delay, 0s);
}

TEST(AuthSettings, ReportsEveryBadVariable) {
  Config config;
  std::map<std::string, std::string> env{{"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", "0"},
                                         {"NELO_AUTH_MAX_SESSIONS_PER_USER", "0"},
                                         {"NELO_AUTH_THROTTLE_WINDOW_SECONDS", "ten"},
                                         {"NELO_AUTH_HASH_THREADS", "2x"}};
  try {
    auth_settings_from_environment(config, &env);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("NELO_AUTH_MAX_FAILURES_PER_ACCOUNT"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_AUTH_THROTTLE_WINDOW_SECONDS"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_AUTH_HASH_THREADS"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_AUTH_MAX_SESSIONS_PER_USER"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace nelo::auth
