#pragma once
// Field bounds of the catalog module shared by its request schemas. Lengths count Unicode code
// points; the text rules themselves are core/text.hpp's.

#include <cstddef>
#include <cstdint>

namespace nelo::catalog {

inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxDescriptionLength = 1000;
inline constexpr std::size_t kMaxAddressLength = 200;
inline constexpr std::size_t kMaxCategoryLength = 50;
inline constexpr std::size_t kMaxSearchLength = 100;

inline constexpr int kMaxPrepTimeMinutes = 240;
inline constexpr int kMinDeliveryRadiusM = 100;
inline constexpr int kMaxDeliveryRadiusM = 50'000;
inline constexpr int kDefaultSearchRadiusM = 5'000;
inline constexpr int kMaxSearchRadiusM = 50'000;
// Money bounds, in minor units: a product costs something, a minimum order may be zero.
inline constexpr std::int64_t kMaxPriceAmount = 100'000'000;
inline constexpr std::int64_t kMaxMinOrderAmount = 100'000'000;

}  // namespace nelo::catalog
