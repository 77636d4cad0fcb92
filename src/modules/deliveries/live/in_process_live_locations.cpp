#include "modules/deliveries/live/in_process_live_locations.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <tuple>

#include "core/geo/geodesic.hpp"
#include "modules/deliveries/live/live_point_check.hpp"

namespace nelo::deliveries {

namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180;
// A sphere inside the WGS 84 ellipsoid, with a margin: great-circle distances on it are lower
// bounds of the geodesic ones, at a few hundredths of their cost.
constexpr double kInnerRadiusM = 6'356'752 * 0.99;

// Never more than the WGS 84 distance between `center` and `point` (haversine on the inner sphere).
double lower_bound_m(GeoPoint center, double cos_center_lat, GeoPoint point) {
  double dlat = std::sin((point.lat - center.lat) * kRadiansPerDegree / 2);
  double dlng = std::sin((point.lng - center.lng) * kRadiansPerDegree / 2);
  double h = dlat * dlat + cos_center_lat * std::cos(point.lat * kRadiansPerDegree) * dlng * dlng;
  return 2 * kInnerRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace

InProcessLiveLocations::InProcessLiveLocations(double cell_degrees) : grid_(cell_degrees) {}

InProcessLiveLocations::DriverShard& InProcessLiveLocations::driver_shard(const std::string& driver_id) {
  return driver_shards_[std::hash<std::string>{}(driver_id) % kShards];
}
const InProcessLiveLocations::DriverShard& InProcessLiveLocations::driver_shard(const std::string& driver_id) const {
  return driver_shards_[std::hash<std::string>{}(driver_id) % kShards];
}
InProcessLiveLocations::CellShard& InProcessLiveLocations::cell_shard(std::int64_t cell) {
  return cell_shards_[static_cast<std::uint64_t>(cell) % kShards];  // low bits: the column
}
const InProcessLiveLocations::CellShard& InProcessLiveLocations::cell_shard(std::int64_t cell) const {
  return cell_shards_[static_cast<std::uint64_t>(cell) % kShards];
}

void InProcessLiveLocations::put_in_cell(std::int64_t cell, const Held& position) {
  auto& shard = cell_shard(cell);
  std::unique_lock lock(shard.mutex);
  auto& members = shard.cells[cell];
  for (auto& member : members) {
    if (member->driver_id == position->driver_id) {
      member = position;
      return;
    }
  }
  members.push_back(position);
}

void InProcessLiveLocations::take_from_cell(std::int64_t cell, const std::string& driver_id) {
  auto& shard = cell_shard(cell);
  std::unique_lock lock(shard.mutex);
  auto found = shard.cells.find(cell);
  if (found == shard.cells.end()) return;
  auto& members = found->second;
  for (auto& member : members) {
    if (member->driver_id == driver_id) {
      member = std::move(members.back());
      members.pop_back();
      break;
    }
  }
  if (members.empty()) shard.cells.erase(found);
}

bool InProcessLiveLocations::update_now(DriverPosition position) {
  check_live_point(position.point);
  auto held = std::make_shared<const DriverPosition>(std::move(position));
  auto cell = GeoGrid::key_of(grid_.cell_of(held->point));
  auto& shard = driver_shard(held->driver_id);
  // The driver's lock is held while its cells change, so two pings of one driver never
  // interleave; cell locks are taken one at a time inside it, and searches take no driver lock.
  std::lock_guard lock(shard.mutex);
  auto found = shard.drivers.find(held->driver_id);
  if (found == shard.drivers.end()) {
    put_in_cell(cell, held);
    shard.drivers.emplace(held->driver_id, DriverSlot{held, cell});
    return true;
  }
  auto& slot = found->second;
  if (slot.position->recorded_at > held->recorded_at) return false;  // an older fix, arrived late
  // In the new cell first, then out of the old one: a search in between may see the driver
  // twice (it keeps the nearest).
  put_in_cell(cell, held);
  if (slot.cell != cell) take_from_cell(slot.cell, held->driver_id);
  slot = DriverSlot{held, cell};
  return true;
}

std::optional<DriverPosition> InProcessLiveLocations::get_now(const std::string& driver_id) const {
  auto& shard = driver_shard(driver_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.drivers.find(driver_id);
  if (found == shard.drivers.end()) return std::nullopt;
  return *found->second.position;
}

void InProcessLiveLocations::remove_now(const std::string& driver_id) {
  auto& shard = driver_shard(driver_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.drivers.find(driver_id);
  if (found == shard.drivers.end()) return;
  take_from_cell(found->second.cell, driver_id);
  shard.drivers.erase(found);
}

std::size_t InProcessLiveLocations::prune_now(std::chrono::system_clock::time_point recorded_before) {
  std::size_t pruned = 0;
  for (auto& shard : driver_shards_) {
    // One shard at a time, in update_now's lock order (the driver's, then cells one by one).
    std::lock_guard lock(shard.mutex);
    for (auto it = shard.drivers.begin(); it != shard.drivers.end();) {
      if (it->second.position->recorded_at < recorded_before) {
        take_from_cell(it->second.cell, it->first);
        it = shard.drivers.erase(it);
        ++pruned;
      } else {
        ++it;
      }
    }
  }
  return pruned;
}

std::size_t InProcessLiveLocations::size() const {
  std::size_t total = 0;
  for (const auto& shard : driver_shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.drivers.size();
  }
  return total;
}

std::vector<NearbyDriver> InProcessLiveLocations::nearest_now(GeoPoint center, double radius_m, std::size_t limit,
                                                              std::chrono::system_clock::time_point fresher_than) const {
  check_live_point(center);
  if (limit == 0 || !(radius_m >= 0)) return {};

  struct Candidate {
    double distance_m;
    Held position;
  };
  // A max-heap of the best `limit` so far: its front is the one to drop first.
  auto nearer = [](const Candidate& a, const Candidate& b) {
    return std::tie(a.distance_m, a.position->driver_id) < std::tie(b.distance_m, b.position->driver_id);
  };
  std::vector<Candidate> best;
  best.reserve(limit + 1);

  const double cos_center_lat = std::cos(center.lat * kRadiansPerDegree);
  auto center_cell = grid_.cell_of(center);
  auto max_rows = grid_.max_row_offset(radius_m);
  for (int ring = 0; ring <= grid_.last_ring(); ++ring) {
    auto bound = grid_.ring_lower_bound_m(center, ring, radius_m);
    if (bound > radius_m) break;
    if (best.size() == limit && best.front().distance_m <= bound) break;
    grid_.for_each_in_ring(center_cell, ring, max_rows, [&](GeoGrid::Cell cell) {
      auto key = GeoGrid::key_of(cell);
      const auto& shard = cell_shard(key);
      std::shared_lock lock(shard.mutex);
      auto found = shard.cells.find(key);
      if (found == shard.cells.end()) return;
      for (const auto& member : found->second) {
        if (member->recorded_at < fresher_than) continue;
        // Surely farther than the worst kept (or the radius): no need for the exact distance.
        double cutoff = best.size() == limit ? best.front().distance_m : radius_m;
        if (lower_bound_m(center, cos_center_lat, member->point) > cutoff) continue;
        double distance = geo::distance_m(center.lat, center.lng, member->point.lat, member->point.lng);
        if (distance > radius_m) continue;
        Candidate candidate{distance, member};
        // A driver caught moving between cells is met twice: it keeps one place, the nearer.
        auto same = std::find_if(best.begin(), best.end(),
                                 [&](const Candidate& c) { return c.position->driver_id == member->driver_id; });
        if (same != best.end()) {
          if (nearer(candidate, *same)) {
            *same = std::move(candidate);
            std::make_heap(best.begin(), best.end(), nearer);
          }
          continue;
        }
        if (best.size() < limit) {
          best.push_back(std::move(candidate));
          std::push_heap(best.begin(), best.end(), nearer);
        } else if (nearer(candidate, best.front())) {
          std::pop_heap(best.begin(), best.end(), nearer);
          best.back() = std::move(candidate);
          std::push_heap(best.begin(), best.end(), nearer);
        }
      }
    });
  }
  std::sort_heap(best.begin(), best.end(), nearer);

  std::vector<NearbyDriver> out;
  out.reserve(best.size());
  for (const auto& candidate : best) out.push_back(NearbyDriver{*candidate.position, candidate.distance_m});
  return out;
}

boost::asio::awaitable<bool> InProcessLiveLocations::update(DriverPosition position) {
  co_return update_now(std::move(position));
}

boost::asio::awaitable<std::optional<DriverPosition>> InProcessLiveLocations::get(std::string driver_id) {
  co_return get_now(driver_id);
}

boost::asio::awaitable<std::vector<NearbyDriver>> InProcessLiveLocations::nearest(
    GeoPoint center, double radius_m, std::size_t limit, std::chrono::system_clock::time_point fresher_than) {
  co_return nearest_now(center, radius_m, limit, fresher_than);
}

boost::asio::awaitable<void> InProcessLiveLocations::remove(std::string driver_id) {
  remove_now(driver_id);
  co_return;
}

boost::asio::awaitable<std::size_t> InProcessLiveLocations::prune(std::chrono::system_clock::time_point recorded_before) {
  co_return prune_now(recorded_before);
}

}  // namespace nelo::deliveries
