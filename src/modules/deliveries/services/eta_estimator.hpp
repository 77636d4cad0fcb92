#pragma once
// How long a driver needs to reach a point: what dispatch ranks candidates by. A seam: today
// distance over the vehicle's city speed (SpeedEtaEstimator); the ai module can put a learned model
// behind the same interface later.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::deliveries {

struct EtaCandidate {
  std::string driver_id;
  std::string vehicle;  // bike | scooter | car
  Point position;
  double distance_m = 0;  // straight line to the destination
};

class EtaEstimator {
 public:
  virtual ~EtaEstimator() = default;
  // One estimate per candidate, in their order, to reach `destination`.
  virtual boost::asio::awaitable<std::vector<std::chrono::seconds>> estimate(
      Point destination, std::vector<EtaCandidate> candidates) = 0;
};

// Straight-line distance stretched by a detour factor, at a typical city speed per vehicle
// (bike 15 km/h, scooter 25 km/h, car 22 km/h in traffic).
class SpeedEtaEstimator final : public EtaEstimator {
 public:
  boost::asio::awaitable<std::vector<std::chrono::seconds>> estimate(Point destination,
                                                                     std::vector<EtaCandidate> candidates) override;
  // The same, synchronously, for one candidate.
  static std::chrono::seconds seconds_for(const std::string& vehicle, double distance_m);
};

}  // namespace nelo::deliveries
