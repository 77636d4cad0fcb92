#pragma once
// The live locations shared by every nelo process pointed at one Redis (REDIS_URL): a GEO set
// of the drivers (`{<prefix>}:geo`) and a hash of their exact positions and details
// (`{<prefix>}:details`: "recorded_at_us|lat|lng|accuracy|heading|speed"), and the drivers by
// the time of their fix (`{<prefix>}:seen`, a sorted set, for prune()). Each change is one
// Lua script (EVALSHA, loaded again after a Redis restart), so the out-of-order check and the
// write are atomic across processes. GEO cannot filter by time: the search script skips stale
// positions as it reads them. Distances are computed here on WGS 84 from the exact points, as
// the in-process store does (Redis measures on a sphere, from a geohash cell).

#include <memory>
#include <mutex>
#include <string>

#include "core/redis/redis_client.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

class RedisLiveLocations final : public LiveLocations {
 public:
  // Keys start with `{key_prefix}` (one Redis Cluster slot for them all).
  RedisLiveLocations(std::shared_ptr<redis::Client> client, std::string key_prefix = "nelo:live");

  boost::asio::awaitable<bool> update(DriverPosition position) override;
  boost::asio::awaitable<std::optional<DriverPosition>> get(std::string driver_id) override;
  boost::asio::awaitable<std::vector<NearbyDriver>> nearest(
      GeoPoint center, double radius_m, std::size_t limit, std::chrono::system_clock::time_point fresher_than) override;
  boost::asio::awaitable<void> remove(std::string driver_id) override;
  boost::asio::awaitable<std::size_t> prune(std::chrono::system_clock::time_point recorded_before) override;

  struct Script;

 private:
  boost::asio::awaitable<redis::Reply> run(const Script& script, std::vector<std::string> args);

  std::shared_ptr<redis::Client> client_;
  std::string geo_key_;
  std::string details_key_;
  std::string seen_key_;
  std::mutex shas_mutex_;  // the scripts' SHA1 digests, as SCRIPT LOAD answered them
  std::string shas_[4];
};

}  // namespace nelo::deliveries
