#include "modules/orders/services/pricing.hpp"

#include <algorithm>
#include <stdexcept>

namespace nelo::orders {

std::int64_t delivery_fee(const PricingSettings& settings, int distance_m) {
  const auto& tiers = settings.delivery_fee_tiers;
  if (tiers.empty()) throw std::logic_error("orders pricing: no delivery fee tier");
  for (const auto& tier : tiers) {
    if (distance_m <= tier.max_distance_m) return tier.fee;
  }
  return tiers.back().fee;
}

std::int64_t service_fee(const PricingSettings& settings, std::int64_t subtotal) {
  if (subtotal < 0 || subtotal > kMaxSubtotal) throw std::out_of_range("orders pricing: subtotal out of range");
  // Exact integer arithmetic: kMaxSubtotal * 10 000 fits in 64 bits with room to spare.
  const std::int64_t proportional = (subtotal * settings.service_fee_bps + 5'000) / 10'000;
  return std::clamp(proportional, settings.service_fee_min, settings.service_fee_max);
}

PriceBreakdown price(const PricingSettings& settings, std::string currency, std::int64_t subtotal, int distance_m) {
  PriceBreakdown p;
  p.currency = std::move(currency);
  p.subtotal = subtotal;
  p.delivery_fee = delivery_fee(settings, distance_m);
  p.service_fee = service_fee(settings, subtotal);
  p.total = p.subtotal + p.delivery_fee + p.service_fee;
  return p;
}

}  // namespace nelo::orders
