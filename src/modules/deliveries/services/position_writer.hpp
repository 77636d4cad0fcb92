#pragma once
// Write-behind of the drivers' positions to PostgreSQL: pings only leave the latest position of
// each driver here (in memory); every `interval` the whole batch goes to
// deliveries.driver_positions in one statement (PositionRepository::write), never one UPDATE per
// ping. stop() writes what is still pending, so a clean shutdown loses nothing; a crash loses at
// most one interval of last-known positions, which the next pings replace anyway.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "modules/deliveries/live/live_locations.hpp"

namespace nelo {
class PeriodicTask;
}

namespace nelo::deliveries {

class PositionRepository;

class PositionWriter {
 public:
  PositionWriter(PositionRepository& positions, boost::asio::any_io_executor executor,
                 std::chrono::milliseconds interval);
  ~PositionWriter();

  // Keeps `position` to be written, unless one recorded later is already pending for its driver.
  void add(const DriverPosition& position);

  // Writes what is pending now; returns how many positions it sent. When the write fails the
  // positions go back to the pending ones (unless newer ones arrived meanwhile) and it throws.
  boost::asio::awaitable<std::size_t> flush();

  // The periodic flush: start() from Module::start(); stop() ends it and flushes once more.
  void start();
  boost::asio::awaitable<void> stop();

  std::size_t pending() const;

 private:
  boost::asio::awaitable<void> run();  // one periodic flush
  // Puts `position` in `into` unless a later one is there; true when it did.
  static bool keep_latest(std::unordered_map<std::string, DriverPosition>& into, const DriverPosition& position);

  PositionRepository& positions_;
  std::shared_ptr<PeriodicTask> task_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, DriverPosition> pending_;  // by driver id
};

}  // namespace nelo::deliveries
