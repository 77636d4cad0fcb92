#pragma once
// Every SQL statement on deliveries.driver_positions: the last-known positions, written in
// batches behind the pings (services/position_writer.hpp).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::db {
class ModuleDb;
}  // namespace nelo::db

namespace nelo::deliveries {

class PositionRepository {
 public:
  explicit PositionRepository(db::ModuleDb& db) : db_(db) {}

  // Writes every position in ONE statement (at most one per driver): a driver's row is replaced
  // only by a position recorded later than the one it holds, so batches from several processes,
  // or late ones, never move a driver back. Positions of unknown drivers are skipped. Returns the
  // rows written.
  boost::asio::awaitable<std::int64_t> write(const std::vector<DriverPosition>& positions);

  // The last-known positions of the drivers flagged online, recorded at or after `since`.
  boost::asio::awaitable<std::vector<DriverPosition>> online_since(std::chrono::system_clock::time_point since);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::deliveries
