#pragma once
// The live locations of one server, in memory: a cell grid (geo_grid.hpp) searched in growing
// rings for the nearest drivers, with WGS 84 distances (core/geo, the figures PostGIS gives).
// Safe from any number of threads: drivers and cells are split into shards, each behind its own
// lock, so that pings of different drivers and searches in different places rarely meet;
// searches only read (shared locks).

#include <array>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "modules/deliveries/live/geo_grid.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

class InProcessLiveLocations final : public LiveLocations {
 public:
  explicit InProcessLiveLocations(double cell_degrees = GeoGrid::kDefaultCellDegrees);

  boost::asio::awaitable<bool> update(DriverPosition position) override;
  boost::asio::awaitable<std::optional<DriverPosition>> get(std::string driver_id) override;
  boost::asio::awaitable<std::vector<NearbyDriver>> nearest(
      GeoPoint center, double radius_m, std::size_t limit, std::chrono::system_clock::time_point fresher_than) override;
  boost::asio::awaitable<void> remove(std::string driver_id) override;
  boost::asio::awaitable<std::size_t> prune(std::chrono::system_clock::time_point recorded_before) override;

  // The same, synchronous: nothing here waits, and benchmarks call them from plain threads.
  bool update_now(DriverPosition position);
  std::optional<DriverPosition> get_now(const std::string& driver_id) const;
  std::vector<NearbyDriver> nearest_now(GeoPoint center, double radius_m, std::size_t limit,
                                        std::chrono::system_clock::time_point fresher_than) const;
  void remove_now(const std::string& driver_id);
  std::size_t prune_now(std::chrono::system_clock::time_point recorded_before);

  std::size_t size() const;

 private:
  using Held = std::shared_ptr<const DriverPosition>;
  static constexpr std::size_t kShards = 64;

  struct DriverSlot {
    Held position;
    std::int64_t cell = 0;
  };
  struct DriverShard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, DriverSlot> drivers;
  };
  struct CellShard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::int64_t, std::vector<Held>> cells;
  };

  DriverShard& driver_shard(const std::string& driver_id);
  const DriverShard& driver_shard(const std::string& driver_id) const;
  CellShard& cell_shard(std::int64_t cell);
  const CellShard& cell_shard(std::int64_t cell) const;
  void put_in_cell(std::int64_t cell, const Held& position);
  void take_from_cell(std::int64_t cell, const std::string& driver_id);

  GeoGrid grid_;
  std::array<DriverShard, kShards> driver_shards_;
  std::array<CellShard, kShards> cell_shards_;
};

}  // namespace nelo::deliveries
