#pragma once
// Which drivers are online, as a ping needs to know it: every ping checks it, so the answer read
// from deliveries.drivers is kept for a short while (DeliveriesSettings::online_cache_ttl)
// instead of costing a query per ping. Going online or offline through this process updates it
// at once; through another nelo process, this one sees it within the TTL.

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/cache/expiring_cache.hpp"

namespace nelo::deliveries {

class DriverRepository;

class OnlineDrivers {
 public:
  OnlineDrivers(DriverRepository& drivers, std::chrono::milliseconds ttl);

  // True when the driver has a profile flagged online.
  boost::asio::awaitable<bool> is_online(std::string driver_id);

  // True when what this process holds says offline (no query): the cheap re-check a ping makes
  // after updating the live index.
  bool known_offline(const std::string& driver_id) const;

  // What this process just wrote to the table (online or offline).
  void remember(const std::string& driver_id, bool online);

 private:
  DriverRepository& drivers_;
  cache::ExpiringCache<std::string, bool> cache_;
  // Bumped by remember(): a flag read from the table while a change was being made is not
  // cached, so a read that started before "offline" cannot bring "online" back for a TTL.
  std::atomic<std::uint64_t> changes_{0};
};

}  // namespace nelo::deliveries
