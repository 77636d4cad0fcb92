#include "modules/deliveries/live/in_process_live_locations.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>
#include <unordered_set>

#include "core/geo/geodesic.hpp"
#include "modules/deliveries/live/live_point_check.hpp"

namespace nelo::deliveries {

namespace {

// No two points whose latitudes differ by x degrees are less than x * 110 574 m apart.
constexpr double kMetresPerDegreeOfLatitude = 110'000;

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
        // Farther by latitude alone than the worst kept: no need for the exact distance.
        double cutoff = best.size() == limit ? best.front().distance_m : radius_m;
        if (std::abs(member->point.lat - center.lat) * kMetresPerDegreeOfLatitude > cutoff) continue;
        double distance = geo::distance_m(center.lat, center.lng, member->point.lat, member->point.lng);
        if (distance > radius_m) continue;
        Candidate candidate{distance, member};
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
  std::unordered_set<std::string_view> seen;  // a driver caught moving between cells, twice
  for (const auto& candidate : best) {
    if (!seen.insert(candidate.position->driver_id).second) continue;
    out.push_back(NearbyDriver{*candidate.position, candidate.distance_m});
  }
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

}  // namespace nelo::deliveries
