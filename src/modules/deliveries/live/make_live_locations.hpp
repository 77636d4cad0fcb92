#pragma once
// The live-locations store of this process: Redis GEO when REDIS_URL is set (several nelo
// processes share the positions), in process otherwise (one server).

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

// `redis_url`: Config::redis_url (empty: in process); keys start with `{key_prefix}`
// (Config::redis_key_prefix + ":live"). Connects to Redis on first use; throws
// std::invalid_argument for a malformed URL.
std::unique_ptr<LiveLocations> make_live_locations(boost::asio::any_io_executor executor, const std::string& redis_url,
                                                   std::string key_prefix = "nelo:live");

}  // namespace nelo::deliveries
