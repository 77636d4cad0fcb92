#include "core/geo/geodesic.hpp"

#include <GeographicLib/Geodesic.hpp>

namespace nelo::geo {

double distance_m(double lat1, double lng1, double lat2, double lng2) {
  double metres = 0;
  GeographicLib::Geodesic::WGS84().Inverse(lat1, lng1, lat2, lng2, metres);
  return metres;
}

}  // namespace nelo::geo
