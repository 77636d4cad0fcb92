#include "core/geo/geodesic.hpp"

#include <gtest/gtest.h>

namespace nelo::geo {
namespace {

// Reference figures of the WGS 84 ellipsoid (a = 6378137 m, f = 1/298.257223563).
TEST(Geodesic, OneDegreeAlongTheEquatorIsTheEquatorialArc) {
  EXPECT_NEAR(distance_m(0, 0, 0, 1), 111319.490793, 1e-6);  // a * pi / 180
}

TEST(Geodesic, EquatorToPoleIsTheQuarterMeridian) {
  EXPECT_NEAR(distance_m(0, 0, 90, 0), 10001965.729, 1e-3);
}

TEST(Geodesic, IsSymmetricAndZeroBetweenAPointAndItself) {
  EXPECT_DOUBLE_EQ(distance_m(48.8606, 2.3376, 48.8566, 2.3522), distance_m(48.8566, 2.3522, 48.8606, 2.3376));
  EXPECT_EQ(distance_m(48.8606, 2.3376, 48.8606, 2.3376), 0.0);
}

TEST(Geodesic, AcrossTheAntimeridianTakesTheShortWay) {
  EXPECT_NEAR(distance_m(0, 179.5, 0, -179.5), 111319.490793, 1e-6);
}

}  // namespace
}  // namespace nelo::geo
