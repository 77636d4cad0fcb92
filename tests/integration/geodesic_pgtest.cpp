// The in-process distance (core/geo) against PostGIS's ST_Distance between geography points:
// orders check a merchant's delivery radius with the first, catalog searches it with the second,
// and both must draw the same circle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/geo/geodesic.hpp"
#include "support/test_database.hpp"

namespace nelo::geo {
namespace {

std::string point(double lat, double lng) {
  return "ST_SetSRID(ST_MakePoint(" + std::to_string(lng) + ", " + std::to_string(lat) + "), 4326)::geography";
}

TEST(GeodesicAgainstPostgis, AgreesToTheMillimetre) {
  test::TestDatabase database;
  std::mt19937 random(20261125);
  std::uniform_real_distribution<double> lat(-89.0, 89.0), lng(-180.0, 180.0), near(-0.1, 0.1);
  for (int i = 0; i < 200; ++i) {
    // Half far apart anywhere on Earth, half a city apart (the delivery case).
    const double lat1 = lat(random), lng1 = lng(random);
    const double lat2 = i % 2 ? lat(random) : std::clamp(lat1 + near(random), -90.0, 90.0);
    const double lng2 = i % 2 ? lng(random) : std::remainder(lng1 + near(random), 360.0);
    // std::to_string keeps six decimals: compare on the points PostGIS is given.
    const double a1 = std::stod(std::to_string(lat1)), o1 = std::stod(std::to_string(lng1));
    const double a2 = std::stod(std::to_string(lat2)), o2 = std::stod(std::to_string(lng2));
    const double postgis =
        std::stod(database.value("SELECT ST_Distance(" + point(a1, o1) + ", " + point(a2, o2) + ")::text"));
    EXPECT_NEAR(distance_m(a1, o1, a2, o2), postgis, 1e-3) << a1 << "," << o1 << " -> " << a2 << "," << o2;
  }
}

}  // namespace
}  // namespace nelo::geo
