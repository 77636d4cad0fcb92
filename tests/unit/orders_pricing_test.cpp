// Server-side pricing (delivery fee tiers, service fee rounding and clamps) and the NELO_ORDERS_*
// settings that configure it.

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "modules/orders/services/orders_settings.hpp"
#include "modules/orders/services/pricing.hpp"

namespace nelo::orders {
namespace {

PricingSettings defaults() { return PricingSettings{}; }

TEST(OrdersPricing, DeliveryFeeTiersIncludeTheirBound) {
  const PricingSettings s = defaults();  // 2000:199, 4000:299, 7000:399
  EXPECT_EQ(delivery_fee(s, 0), 199);
  EXPECT_EQ(delivery_fee(s, 1999), 199);
  EXPECT_EQ(delivery_fee(s, 2000), 199);
  EXPECT_EQ(delivery_fee(s, 2001), 299);
  EXPECT_EQ(delivery_fee(s, 4000), 299);
  EXPECT_EQ(delivery_fee(s, 4001), 399);
  EXPECT_EQ(delivery_fee(s, 7000), 399);
}

TEST(OrdersPricing, BeyondTheLastTierItsFeeStillApplies) {
  const PricingSettings s = defaults();
  EXPECT_EQ(delivery_fee(s, 7001), 399);
  EXPECT_EQ(delivery_fee(s, 50'000), 399);
  PricingSettings one;
  one.delivery_fee_tiers = {{1000, 0}};
  EXPECT_EQ(delivery_fee(one, 500), 0);
  EXPECT_EQ(delivery_fee(one, 5000), 0);
}

TEST(OrdersPricing, ServiceFeeRoundsHalfUpToTheMinorUnit) {
  PricingSettings s;
  s.service_fee_bps = 500;  // 5 %
  s.service_fee_min = 0;
  s.service_fee_max = 1'000'000;
  EXPECT_EQ(service_fee(s, 0), 0);
  EXPECT_EQ(service_fee(s, 1000), 50);
  EXPECT_EQ(service_fee(s, 1009), 50);   // 50.45 -> 50
  EXPECT_EQ(service_fee(s, 1010), 51);   // 50.50 -> 51 (half up)
  EXPECT_EQ(service_fee(s, 1011), 51);   // 50.55 -> 51
  EXPECT_EQ(service_fee(s, 9), 0);       // 0.45 -> 0
  EXPECT_EQ(service_fee(s, 10), 1);      // 0.50 -> 1
  s.service_fee_bps = 333;
  EXPECT_EQ(service_fee(s, 1234), 41);   // 41.0922 -> 41
  EXPECT_EQ(service_fee(s, kMaxSubtotal), 1'000'000) << "clamped to the maximum";
}

TEST(OrdersPricing, ServiceFeeIsClampedToItsMinimumAndMaximum) {
  PricingSettings s;
  s.service_fee_bps = 500;
  s.service_fee_min = 49;
  s.service_fee_max = 499;
  EXPECT_EQ(service_fee(s, 100), 49);       // 5 -> min
  EXPECT_EQ(service_fee(s, 980), 49);       // 49 exactly
  EXPECT_EQ(service_fee(s, 1000), 50);
  EXPECT_EQ(service_fee(s, 9980), 499);     // 499 exactly
  EXPECT_EQ(service_fee(s, 10'000), 499);   // 500 -> max
  EXPECT_EQ(service_fee(s, kMaxSubtotal), 499);
  s.service_fee_bps = 0;
  EXPECT_EQ(service_fee(s, 5000), 49) << "a zero rate still pays the minimum";
}

TEST(OrdersPricing, ServiceFeeRefusesSubtotalsOutOfRange) {
  const PricingSettings s = defaults();
  EXPECT_THROW(service_fee(s, -1), std::out_of_range);
  EXPECT_THROW(service_fee(s, kMaxSubtotal + 1), std::out_of_range);
}

TEST(OrdersPricing, BreakdownAddsUp) {
  const PricingSettings s = defaults();
  const PriceBreakdown p = price(s, "EUR", 2350, 2500);
  EXPECT_EQ(p.currency, "EUR");
  EXPECT_EQ(p.subtotal, 2350);
  EXPECT_EQ(p.delivery_fee, 299);
  EXPECT_EQ(p.service_fee, 118);  // 117.5 -> 118
  EXPECT_EQ(p.total, 2350 + 299 + 118);
}

// --- settings ---

TEST(OrdersSettings, DefaultsWithoutVariables) {
  const std::map<std::string, std::string> env;
  const OrdersSettings s = orders_settings_from_environment(&env);
  EXPECT_EQ(s.pricing.delivery_fee_tiers, (std::vector<DeliveryFeeTier>{{2000, 199}, {4000, 299}, {7000, 399}}));
  EXPECT_EQ(s.pricing.service_fee_bps, 500);
  EXPECT_EQ(s.pricing.service_fee_min, 49);
  EXPECT_EQ(s.pricing.service_fee_max, 499);
  EXPECT_EQ(s.idempotency_purge_interval, std::chrono::hours(1));
  EXPECT_EQ(s.placement_group_max, 32u);
}

TEST(OrdersSettings, ReadsEveryVariable) {
  const std::map<std::string, std::string> env = {{"NELO_ORDERS_DELIVERY_FEE_TIERS", "1500:0,3000:250"},
                                                  {"NELO_ORDERS_SERVICE_FEE_BPS", "250"},
                                                  {"NELO_ORDERS_SERVICE_FEE_MIN", "10"},
                                                  {"NELO_ORDERS_SERVICE_FEE_MAX", "900"},
                                                  {"NELO_ORDERS_IDEMPOTENCY_PURGE_SECONDS", "600"},
                                                  {"NELO_ORDERS_PLACEMENT_GROUP_MAX", "1"}};
  const OrdersSettings s = orders_settings_from_environment(&env);
  EXPECT_EQ(s.pricing.delivery_fee_tiers, (std::vector<DeliveryFeeTier>{{1500, 0}, {3000, 250}}));
  EXPECT_EQ(s.pricing.service_fee_bps, 250);
  EXPECT_EQ(s.pricing.service_fee_min, 10);
  EXPECT_EQ(s.pricing.service_fee_max, 900);
  EXPECT_EQ(s.idempotency_purge_interval, std::chrono::seconds(600));
  EXPECT_EQ(s.placement_group_max, 1u);
}

TEST(OrdersSettings, MalformedTiersAreRefusedWithTheReason) {
  for (const char* bad : {"2000", "2000:", ":199", "2000:199,", "2000:199,,4000:299", "4000:299,2000:199",
                          "2000:199,2000:299", "0:199", "-5:199", "2000:-1", "2000:1.5", "abc:def", "2000;199"}) {
    std::string problem;
    EXPECT_FALSE(parse_delivery_fee_tiers(bad, problem).has_value()) << bad;
    EXPECT_FALSE(problem.empty()) << bad;
  }
  std::string problem;
  auto tiers = parse_delivery_fee_tiers("2000:199,4000:299,7000:399", problem);
  ASSERT_TRUE(tiers.has_value()) << problem;
  EXPECT_EQ(tiers->size(), 3u);
}

TEST(OrdersSettings, EveryBadVariableIsListedAtOnce) {
  const std::map<std::string, std::string> env = {{"NELO_ORDERS_DELIVERY_FEE_TIERS", "4000:1,2000:2"},
                                                  {"NELO_ORDERS_SERVICE_FEE_BPS", "10001"},
                                                  {"NELO_ORDERS_SERVICE_FEE_MIN", "x"},
                                                  {"NELO_ORDERS_PLACEMENT_GROUP_MAX", "0"}};
  try {
    orders_settings_from_environment(&env);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("NELO_ORDERS_DELIVERY_FEE_TIERS"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_ORDERS_SERVICE_FEE_BPS"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_ORDERS_SERVICE_FEE_MIN"), std::string::npos) << message;
    EXPECT_NE(message.find("NELO_ORDERS_PLACEMENT_GROUP_MAX"), std::string::npos) << message;
  }
}

TEST(OrdersSettings, MinimumAboveMaximumIsRefused) {
  const std::map<std::string, std::string> env = {{"NELO_ORDERS_SERVICE_FEE_MIN", "600"},
                                                  {"NELO_ORDERS_SERVICE_FEE_MAX", "500"}};
  EXPECT_THROW(orders_settings_from_environment(&env), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::orders
