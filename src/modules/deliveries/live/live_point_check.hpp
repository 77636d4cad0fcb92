#pragma once
// The points every live-locations store takes: on the globe, and no nearer a pole than 85.05
// degrees, the bound of Redis GEO (Web Mercator's square), kept by the in-process store too so
// that both stores answer alike. Nobody delivers beyond it; a point past it is a 422.

#include <cmath>
#include <string>

#include "core/errors.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

inline constexpr double kMaxLiveLatitude = 85.05112878;

inline void check_live_point(GeoPoint point) {
  if (!std::isfinite(point.lat) || point.lat < -kMaxLiveLatitude || point.lat > kMaxLiveLatitude) {
    throw ValidationError("lat", "must be a latitude between -85.05112878 and 85.05112878 degrees");
  }
  if (!std::isfinite(point.lng) || point.lng < -180 || point.lng > 180) {
    throw ValidationError("lng", "must be a longitude between -180 and 180 degrees");
  }
}

}  // namespace nelo::deliveries
