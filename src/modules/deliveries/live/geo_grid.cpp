#include "modules/deliveries/live/geo_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace nelo::deliveries {

namespace {

// Lower bounds on the WGS 84 ellipsoid, with a margin: a degree of latitude is at least
// 110 574 m (at the equator), and a sphere of the polar radius (6 356 752 m) lies inside it.
constexpr double kMetresPerDegreeOfLatitude = 110'000;
constexpr double kInnerRadiusM = 6'356'752 * 0.99;
constexpr double kRadiansPerDegree = std::numbers::pi / 180;

}  // namespace

GeoGrid::GeoGrid(double cell_degrees)
    : cell_degrees_(cell_degrees),
      columns_(static_cast<std::int32_t>(std::ceil(360 / cell_degrees))),
      rows_(static_cast<std::int32_t>(std::ceil(180 / cell_degrees))) {}

GeoGrid::Cell GeoGrid::cell_of(GeoPoint point) const {
  auto row = static_cast<std::int64_t>(std::floor((point.lat + 90) / cell_degrees_));
  auto column = static_cast<std::int64_t>(std::floor((point.lng + 180) / cell_degrees_));
  row = std::clamp<std::int64_t>(row, 0, rows_ - 1);  // latitude 90 falls in the last row
  column %= columns_;                                 // longitude 180 is -180
  if (column < 0) column += columns_;
  return Cell{static_cast<std::int32_t>(row), static_cast<std::int32_t>(column)};
}

int GeoGrid::max_row_offset(double radius_m) const {
  auto rows = std::ceil(radius_m / (kMetresPerDegreeOfLatitude * cell_degrees_)) + 1;
  return static_cast<int>(std::min<double>(rows, rows_));
}

double GeoGrid::ring_lower_bound_m(GeoPoint center, int ring, double radius_m) const {
  if (ring <= 0) return 0;
  if (ring > last_ring()) return std::numeric_limits<double>::infinity();
  // A point of ring `ring` or beyond lies outside the block of rows and columns less than
  // `ring` away from the center's: past its northern or southern edge, or its eastern or
  // western one. `within_*`: where the center lies in its own cell, in [0, 1).
  double row_units = (center.lat + 90) / cell_degrees_;
  double column_units = (center.lng + 180) / cell_degrees_;
  double within_row = std::clamp(row_units - std::floor(row_units), 0.0, 1.0);
  double within_column = std::clamp(column_units - std::floor(column_units), 0.0, 1.0);
  double latitude_gap = std::min(ring - within_row, ring - 1 + within_row) * cell_degrees_;
  double by_latitude = std::max(0.0, latitude_gap) * kMetresPerDegreeOfLatitude;

  double longitude_gap = std::clamp(std::min(ring - within_column, ring - 1 + within_column) * cell_degrees_, 0.0, 180.0);
  // Haversine: sin^2(d / 2R) >= cos(lat1) cos(lat2) sin^2(dlng / 2), so with both latitudes at
  // most `farthest` from the equator, d >= 2R cos(farthest) sin(dlng / 2).
  double farthest = std::min(90.0, std::abs(center.lat) + radius_m / kMetresPerDegreeOfLatitude + cell_degrees_);
  double by_longitude =
      2 * kInnerRadiusM * std::cos(farthest * kRadiansPerDegree) * std::sin(longitude_gap * kRadiansPerDegree / 2);
  return std::min(by_latitude, std::max(0.0, by_longitude));
}

}  // namespace nelo::deliveries
