#include "modules/orders/services/orders_settings.hpp"

#include "core/env_reader.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace nelo::orders {
namespace {

constexpr std::int64_t kMaxFee = 1'000'000;          // minor units: a fee above this is a typo
constexpr std::int64_t kMaxDistance = 1'000'000;     // metres
constexpr std::size_t kMaxTiers = 32;

std::optional<std::int64_t> integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<std::vector<DeliveryFeeTier>> parse_delivery_fee_tiers(std::string_view text, std::string& problem) {
  constexpr std::string_view kShape = "expected 'metres:fee' pairs separated by commas, e.g. 2000:199,4000:299";
  std::vector<DeliveryFeeTier> tiers;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) {
      problem = std::string(kShape) + " (trailing comma)";
      return std::nullopt;
    }
    const auto colon = pair.find(':');
    if (colon == std::string_view::npos) {
      problem = std::string(kShape) + " (no ':' in '" + std::string(pair) + "')";
      return std::nullopt;
    }
    auto distance = integer(pair.substr(0, colon), 1, kMaxDistance);
    auto fee = integer(pair.substr(colon + 1), 0, kMaxFee);
    if (!distance || !fee) {
      problem = "in '" + std::string(pair) + "': the distance must be 1.." + std::to_string(kMaxDistance) +
                " metres and the fee 0.." + std::to_string(kMaxFee) + " minor units";
      return std::nullopt;
    }
    if (!tiers.empty() && *distance <= tiers.back().max_distance_m) {
      problem = "distances must be strictly increasing ('" + std::string(pair) + "' comes after " +
                std::to_string(tiers.back().max_distance_m) + ")";
      return std::nullopt;
    }
    tiers.push_back({static_cast<int>(*distance), *fee});
    if (tiers.size() > kMaxTiers) {
      problem = "at most " + std::to_string(kMaxTiers) + " tiers";
      return std::nullopt;
    }
  }
  if (tiers.empty()) {
    problem = std::string(kShape) + " (none given)";
    return std::nullopt;
  }
  return tiers;
}

OrdersSettings orders_settings_from_environment(const std::map<std::string, std::string>* env) {
  OrdersSettings s;
  EnvReader r(env);
  if (auto text = r.get("NELO_ORDERS_DELIVERY_FEE_TIERS")) {
    std::string problem;
    if (auto tiers = parse_delivery_fee_tiers(*text, problem)) s.pricing.delivery_fee_tiers = std::move(*tiers);
    else r.problem("NELO_ORDERS_DELIVERY_FEE_TIERS", problem);
  }
  r.integer("NELO_ORDERS_SERVICE_FEE_BPS", s.pricing.service_fee_bps, 0, 10'000);
  r.integer("NELO_ORDERS_SERVICE_FEE_MIN", s.pricing.service_fee_min, 0, kMaxFee);
  r.integer("NELO_ORDERS_SERVICE_FEE_MAX", s.pricing.service_fee_max, 0, kMaxFee);
  if (s.pricing.service_fee_min > s.pricing.service_fee_max) {
    r.problem("NELO_ORDERS_SERVICE_FEE_MIN (" + std::to_string(s.pricing.service_fee_min) +
                  ") must not exceed NELO_ORDERS_SERVICE_FEE_MAX (" + std::to_string(s.pricing.service_fee_max) + ")");
  }
  std::chrono::seconds purge = std::chrono::duration_cast<std::chrono::seconds>(s.idempotency_purge_interval);
  r.duration("NELO_ORDERS_IDEMPOTENCY_PURGE_SECONDS", purge, 1, 7 * 24 * 3600);
  s.idempotency_purge_interval = purge;
  r.duration("NELO_ORDERS_DETAILS_CACHE_MS", s.details_cache_ttl, 0, 60'000);
  r.integer("NELO_ORDERS_PLACEMENT_GROUP_MAX", s.placement_group_max, 1, 256);
  r.throw_if_problems("orders");
  return s;
}

}  // namespace nelo::orders
