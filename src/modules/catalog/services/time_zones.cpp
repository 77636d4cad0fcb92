#include "modules/catalog/services/time_zones.hpp"

#include "modules/catalog/repositories/time_zone_repository.hpp"

namespace nelo::catalog {

boost::asio::awaitable<bool> TimeZones::is_known(std::string name) {
  std::shared_ptr<const std::set<std::string, std::less<>>> names;
  {
    std::lock_guard lock(mutex_);
    names = names_;
  }
  if (!names) {
    // Two first callers may both load; the lists are equal and the second one wins. No lock is
    // held across the co_await.
    auto loaded = co_await repository_.names();
    names = std::make_shared<const std::set<std::string, std::less<>>>(loaded.begin(), loaded.end());
    std::lock_guard lock(mutex_);
    names_ = names;
  }
  co_return names->contains(name);
}

}  // namespace nelo::catalog
