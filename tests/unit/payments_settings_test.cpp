// The payments module's settings: webhook secrets (several while one rotates, never echoed in a
// complaint) and the signature tolerance.

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "modules/payments/payments_settings.hpp"

namespace nelo::payments {
namespace {

using Env = std::map<std::string, std::string>;

std::string problems_of(const Env& env) {
  try {
    payments_settings_from_environment(&env);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(PaymentsSettings, WithoutSecretsOneRandomSecretIsMadeEachStart) {
  const Env env;
  const auto a = payments_settings_from_environment(&env);
  const auto b = payments_settings_from_environment(&env);
  ASSERT_EQ(a.webhook_secrets.size(), 1u);
  EXPECT_EQ(a.webhook_secrets[0].rfind("whsec_", 0), 0u);
  EXPECT_GE(a.webhook_secrets[0].size(), 40u);
  EXPECT_NE(a.webhook_secrets[0], b.webhook_secrets[0]);
  EXPECT_EQ(a.webhook_tolerance, std::chrono::seconds(300));
}

TEST(PaymentsSettings, SeveralSecretsInOrderWhileOneRotates) {
  const Env env = {{"NELO_PAYMENTS_WEBHOOK_SECRETS", "whsec_new_0123456789, whsec_old_0123456789"},
                   {"NELO_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", "60"}};
  const auto s = payments_settings_from_environment(&env);
  EXPECT_EQ(s.webhook_secrets, (std::vector<std::string>{"whsec_new_0123456789", "whsec_old_0123456789"}));
  EXPECT_EQ(s.webhook_tolerance, std::chrono::seconds(60));
}

TEST(PaymentsSettings, ShortSecretsAreRefusedWithoutBeingEchoed) {
  const std::string why = problems_of({{"NELO_PAYMENTS_WEBHOOK_SECRETS", "whsec_long_enough_1234,short-one"}});
  EXPECT_NE(why.find("secret 2 must be at least 16 characters"), std::string::npos) << why;
  EXPECT_EQ(why.find("short-one"), std::string::npos) << "a secret never reaches a log";
  EXPECT_NE(problems_of({{"NELO_PAYMENTS_WEBHOOK_SECRETS", "whsec_long_enough_1234,"}}).find("secret 2"),
            std::string::npos);
  std::string nine;
  for (int i = 0; i < 9; ++i) nine += (i ? "," : "") + std::string("whsec_0123456789_") + std::to_string(i);
  EXPECT_NE(problems_of({{"NELO_PAYMENTS_WEBHOOK_SECRETS", nine}}).find("more than 8"), std::string::npos);
  EXPECT_NE(problems_of({{"NELO_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", "0"}}).find("TOLERANCE"), std::string::npos);
}

}  // namespace
}  // namespace nelo::payments
