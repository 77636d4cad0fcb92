#pragma once
// The orders module's settings, from NELO_ORDERS_* environment variables (docs/api/orders.md,
// "Pricing"). Amounts are minor units of the order's currency, whatever it is.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::orders {

// Orders delivered up to `max_distance_m` (inclusive) pay `fee`.
struct DeliveryFeeTier {
  int max_distance_m = 0;
  std::int64_t fee = 0;
  bool operator==(const DeliveryFeeTier&) const = default;
};

struct PricingSettings {
  // NELO_ORDERS_DELIVERY_FEE_TIERS="2000:199,4000:299,7000:399": strictly increasing distances.
  // Beyond the last tier its fee still applies (the merchant's delivery radius is the limit).
  std::vector<DeliveryFeeTier> delivery_fee_tiers = {{2000, 199}, {4000, 299}, {7000, 399}};
  // NELO_ORDERS_SERVICE_FEE_BPS: basis points of the subtotal (500 = 5 %), then clamped to
  // [NELO_ORDERS_SERVICE_FEE_MIN, NELO_ORDERS_SERVICE_FEE_MAX].
  int service_fee_bps = 500;
  std::int64_t service_fee_min = 49;
  std::int64_t service_fee_max = 499;
};

struct OrdersSettings {
  PricingSettings pricing;
  // NELO_ORDERS_IDEMPOTENCY_PURGE_SECONDS: how often expired idempotency keys are deleted.
  std::chrono::milliseconds idempotency_purge_interval{std::chrono::hours(1)};
  // NELO_ORDERS_DETAILS_CACHE_MS: how long an order's details may show the customer's profile and
  // the merchant (including "open now") as they were read for an earlier request; 0 asks users
  // and catalog on every read. Placing an order never uses it.
  std::chrono::milliseconds details_cache_ttl{2000};
  // NELO_ORDERS_PLACEMENT_GROUP_MAX: at most this many placements committed together
  // (db::GroupCommit); 1 commits each placement in a transaction of its own.
  std::size_t placement_group_max = 32;
};

// "2000:199,4000:299" -> tiers; nullopt (and `problem` set) when malformed, empty, not strictly
// increasing, or a value is out of range.
std::optional<std::vector<DeliveryFeeTier>> parse_delivery_fee_tiers(std::string_view text, std::string& problem);

// Reads the NELO_ORDERS_* variables (`env` overrides getenv, for tests). Throws
// std::invalid_argument listing every bad variable.
OrdersSettings orders_settings_from_environment(const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::orders
