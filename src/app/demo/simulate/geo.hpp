#pragma once
// Positions and routes of the simulated city. A city is a few kilometres across, so a local flat
// approximation (metres north and east of a point) is within a few metres of the geodesic: good
// enough to move a driver, not to price an order (the server does that, with GeographicLib).

#include <random>
#include <vector>

namespace nelo::app::demo::sim {

struct GeoPoint {
  double lat = 0;
  double lng = 0;
};

double distance_m(GeoPoint a, GeoPoint b);
// Degrees clockwise from north, in [0, 360).
double heading_deg(GeoPoint from, GeoPoint to);
GeoPoint offset_by(GeoPoint origin, double north_m, double east_m);
// Uniform over the disc of `radius_m` around `center`.
GeoPoint random_point(GeoPoint center, double radius_m, std::mt19937_64& rng);

// A trip through the streets, drawn as two straight legs at right angles (along a meridian, then
// along a parallel, or the other way round): on a grid of streets the way is about 4/pi (1.27)
// times the straight line on average, close to the 1.3 the server's ETA estimator assumes.
class Route {
 public:
  Route(GeoPoint from, GeoPoint to, bool north_first);

  double length_m() const noexcept { return length_m_; }
  // The position after `travelled_m` metres (the end once past it), and the heading there.
  GeoPoint position_at(double travelled_m) const;
  double heading_at(double travelled_m) const;

 private:
  std::vector<GeoPoint> points_;  // from, corner, to
  std::vector<double> legs_m_;
  double length_m_ = 0;
};

}  // namespace nelo::app::demo::sim
