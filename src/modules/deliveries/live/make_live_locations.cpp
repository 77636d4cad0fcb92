#include "modules/deliveries/live/make_live_locations.hpp"

#include "core/redis/redis_client.hpp"
#include "modules/deliveries/live/in_process_live_locations.hpp"
#include "modules/deliveries/live/redis_live_locations.hpp"

namespace nelo::deliveries {

std::unique_ptr<LiveLocations> make_live_locations(boost::asio::any_io_executor executor, const std::string& redis_url,
                                                   std::string key_prefix) {
  if (redis_url.empty()) return std::make_unique<InProcessLiveLocations>();
  redis::ClientOptions options;
  options.url = redis_url;
  auto client = std::make_shared<redis::Client>(std::move(executor), std::move(options));
  return std::make_unique<RedisLiveLocations>(std::move(client), std::move(key_prefix));
}

}  // namespace nelo::deliveries
