#include "app/demo/simulate/geo.hpp"

#include <algorithm>
#include <cmath>

namespace nelo::app::demo::sim {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMetresPerDegree = 111'195.0;  // of latitude, mean Earth radius

double radians(double degrees) { return degrees * kPi / 180.0; }

// Metres north and east of `origin`.
struct Delta {
  double north = 0;
  double east = 0;
};

Delta delta(GeoPoint origin, GeoPoint to) {
  const double mid_lat = radians((origin.lat + to.lat) / 2);
  return {(to.lat - origin.lat) * kMetresPerDegree, (to.lng - origin.lng) * kMetresPerDegree * std::cos(mid_lat)};
}

}  // namespace

double distance_m(GeoPoint a, GeoPoint b) {
  const auto d = delta(a, b);
  return std::hypot(d.north, d.east);
}

double heading_deg(GeoPoint from, GeoPoint to) {
  const auto d = delta(from, to);
  if (d.north == 0 && d.east == 0) return 0;
  double h = std::atan2(d.east, d.north) * 180.0 / kPi;
  if (h < 0) h += 360;
  return h >= 360 ? 0 : h;
}

GeoPoint offset_by(GeoPoint origin, double north_m, double east_m) {
  const double lat = origin.lat + north_m / kMetresPerDegree;
  const double lng = origin.lng + east_m / (kMetresPerDegree * std::cos(radians(origin.lat)));
  return {lat, lng};
}

GeoPoint random_point(GeoPoint center, double radius_m, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double r = radius_m * std::sqrt(unit(rng));
  const double angle = 2 * kPi * unit(rng);
  return offset_by(center, r * std::cos(angle), r * std::sin(angle));
}

Route::Route(GeoPoint from, GeoPoint to, bool north_first) {
  const GeoPoint corner = north_first ? GeoPoint{to.lat, from.lng} : GeoPoint{from.lat, to.lng};
  points_ = {from, corner, to};
  for (std::size_t i = 1; i < points_.size(); ++i) {
    legs_m_.push_back(distance_m(points_[i - 1], points_[i]));
    length_m_ += legs_m_.back();
  }
}

GeoPoint Route::position_at(double travelled_m) const {
  double left = std::max(0.0, travelled_m);
  for (std::size_t i = 0; i < legs_m_.size(); ++i) {
    if (left < legs_m_[i]) {
      const double f = left / legs_m_[i];
      const auto& a = points_[i];
      const auto& b = points_[i + 1];
      return {a.lat + (b.lat - a.lat) * f, a.lng + (b.lng - a.lng) * f};
    }
    left -= legs_m_[i];
  }
  return points_.back();
}

double Route::heading_at(double travelled_m) const {
  double left = std::max(0.0, travelled_m);
  for (std::size_t i = 0; i < legs_m_.size(); ++i) {
    if (left < legs_m_[i]) return heading_deg(points_[i], points_[i + 1]);
    left -= legs_m_[i];
  }
  for (std::size_t i = legs_m_.size(); i-- > 0;) {
    if (legs_m_[i] > 0) return heading_deg(points_[i], points_[i + 1]);
  }
  return 0;
}

}  // namespace nelo::app::demo::sim
