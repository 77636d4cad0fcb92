#pragma once
// Server-side pricing of an order (docs/api/orders.md, "Pricing"). Pure functions of the settings,
// the lines' subtotal and the delivery distance; integer minor units throughout.

#include <cstdint>
#include <string>

#include "modules/orders/models.hpp"
#include "modules/orders/services/orders_settings.hpp"

namespace nelo::orders {

// The fee of the first tier whose bound is >= distance_m; the last tier's beyond it.
std::int64_t delivery_fee(const PricingSettings& settings, int distance_m);

// subtotal * bps / 10 000 rounded to the nearest minor unit (halves up), then clamped to
// [service_fee_min, service_fee_max]. Requires 0 <= subtotal <= kMaxSubtotal.
std::int64_t service_fee(const PricingSettings& settings, std::int64_t subtotal);

// subtotal + fees. Requires 0 <= subtotal <= kMaxSubtotal and distance_m >= 0.
PriceBreakdown price(const PricingSettings& settings, std::string currency, std::int64_t subtotal, int distance_m);

// Above this an order is refused (422): far beyond any real basket, and small enough that fee
// arithmetic cannot overflow.
inline constexpr std::int64_t kMaxSubtotal = 100'000'000'000;  // 1e11 minor units

}  // namespace nelo::orders
