#include "modules/deliveries/services/eta_estimator.hpp"

#include <cmath>

namespace nelo::deliveries {
namespace {

// Streets are not straight lines: the usual ratio of road to crow-flies distance in a city.
constexpr double kDetourFactor = 1.3;

double speed_mps(const std::string& vehicle) {
  if (vehicle == "bike") return 15.0 / 3.6;
  if (vehicle == "scooter") return 25.0 / 3.6;
  return 22.0 / 3.6;  // car
}

}  // namespace

std::chrono::seconds SpeedEtaEstimator::seconds_for(const std::string& vehicle, double distance_m) {
  return std::chrono::seconds(std::lround(distance_m * kDetourFactor / speed_mps(vehicle)));
}

boost::asio::awaitable<std::vector<std::chrono::seconds>> SpeedEtaEstimator::estimate(
    Point, std::vector<EtaCandidate> candidates) {
  std::vector<std::chrono::seconds> out;
  out.reserve(candidates.size());
  for (const auto& c : candidates) out.push_back(seconds_for(c.vehicle, c.distance_m));
  co_return out;
}

}  // namespace nelo::deliveries
