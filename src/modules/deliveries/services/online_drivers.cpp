#include "modules/deliveries/services/online_drivers.hpp"

#include "modules/deliveries/repositories/driver_repository.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kCapacity = 100'000;  // drivers remembered at once; a cache, never a store
}  // namespace

OnlineDrivers::OnlineDrivers(DriverRepository& drivers, std::chrono::milliseconds ttl)
    : drivers_(drivers), cache_(ttl, kCapacity) {}

asio::awaitable<bool> OnlineDrivers::is_online(std::string driver_id) {
  if (auto cached = cache_.find(driver_id)) co_return *cached;
  const std::uint64_t before = changes_.load();
  const bool online = (co_await drivers_.is_online(driver_id)).value_or(false);
  if (changes_.load() == before) cache_.put(driver_id, online);
  co_return online;
}

bool OnlineDrivers::known_offline(const std::string& driver_id) const {
  auto cached = cache_.find(driver_id);
  return cached && !*cached;
}

void OnlineDrivers::remember(const std::string& driver_id, bool online) {
  ++changes_;
  cache_.put(driver_id, online);
}

}  // namespace nelo::deliveries
