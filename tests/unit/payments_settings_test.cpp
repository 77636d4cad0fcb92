// The payments module's settings: webhook secrets (several while one rotates, never echoed in a
// complaint) and the signature tolerance.

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "modules/payments/payments_settings.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/providers/provider_directory.hpp"

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

TEST(PaymentsSettings, TheSandboxUrlMustBeAnHttpUrlWithAHost) {
  const Env remote = {{"NELO_PAYMENTS_SANDBOX_URL", "http://sandbox:9100/"}};
  EXPECT_EQ(payments_settings_from_environment(&remote).sandbox_url, "http://sandbox:9100");
  for (const char* bad : {"http://", "https://sandbox:9100", "sandbox:9100", "http:///path"}) {
    EXPECT_NE(problems_of({{"NELO_PAYMENTS_SANDBOX_URL", bad}}).find("must be an http:// URL"), std::string::npos)
        << bad;
  }
}

TEST(PaymentsSettings, TheSagasSettingsHaveDefaultsAndBounds) {
  const Env none;
  const auto d = payments_settings_from_environment(&none);
  EXPECT_EQ(d.card_provider, "sandbox");
  EXPECT_EQ(d.commission_bps, 1000);
  EXPECT_EQ(d.authorization_timeout, std::chrono::seconds(60));
  EXPECT_EQ(d.action_timeout, std::chrono::seconds(900));
  EXPECT_EQ(d.sweep_interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(d.sandbox_slow_delay, std::chrono::milliseconds(3000));
  EXPECT_TRUE(d.sandbox_webhook_url.empty());
  const Env set = {{"NELO_PAYMENTS_CARD_PROVIDER", "stripe"},
                   {"NELO_PAYMENTS_COMMISSION_BPS", "1500"},
                   {"NELO_PAYMENTS_AUTHORIZATION_TIMEOUT_SECONDS", "30"},
                   {"NELO_PAYMENTS_ACTION_TIMEOUT_SECONDS", "600"},
                   {"NELO_PAYMENTS_SWEEP_INTERVAL_MS", "250"},
                   {"NELO_PAYMENTS_SANDBOX_SLOW_MS", "0"},
                   {"NELO_PAYMENTS_SANDBOX_WEBHOOK_URL", "http://gateway:8080/api/v1/payments/webhooks/sandbox"}};
  const auto s = payments_settings_from_environment(&set);
  EXPECT_EQ(s.card_provider, "stripe");
  EXPECT_EQ(s.commission_bps, 1500);
  EXPECT_EQ(s.authorization_timeout, std::chrono::seconds(30));
  EXPECT_EQ(s.action_timeout, std::chrono::seconds(600));
  EXPECT_EQ(s.sweep_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(s.sandbox_slow_delay, std::chrono::milliseconds(0));
  EXPECT_EQ(s.sandbox_webhook_url, "http://gateway:8080/api/v1/payments/webhooks/sandbox");
  const std::string why = problems_of({{"NELO_PAYMENTS_COMMISSION_BPS", "10001"},
                                       {"NELO_PAYMENTS_AUTHORIZATION_TIMEOUT_SECONDS", "0"},
                                       {"NELO_PAYMENTS_SWEEP_INTERVAL_MS", "soon"}});
  for (const char* name : {"COMMISSION_BPS", "AUTHORIZATION_TIMEOUT_SECONDS", "SWEEP_INTERVAL_MS"}) {
    EXPECT_NE(why.find(name), std::string::npos) << name << ": " << why;
  }
}

TEST(ProviderDirectory, TheCardProviderIsChosenByNameAmongTheKnownOnes) {
  CashProvider cash;
  ProviderDirectory providers;
  providers.add(cash);
  EXPECT_THROW(providers.for_method(PaymentMethod::Card), std::logic_error) << "none chosen yet";
  try {
    providers.choose_card_provider("stripe");
    ADD_FAILURE() << "an unknown provider was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("NELO_PAYMENTS_CARD_PROVIDER"), std::string::npos) << e.what();
  }
  EXPECT_THROW(providers.choose_card_provider("cash"), std::invalid_argument) << "cash takes no card";
  EXPECT_EQ(providers.for_method(PaymentMethod::Cash).name(), "cash");
  EXPECT_EQ(providers.named("cash").name(), "cash");
  EXPECT_THROW(providers.named("sandbox"), std::logic_error);
}

}  // namespace
}  // namespace nelo::payments
