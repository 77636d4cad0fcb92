#pragma once
// REDIS_URL, read: redis://[[user]:password@]host[:port][/db] (port 6379 and database 0 unless given).

#include <optional>
#include <string>
#include <string_view>

namespace nelo::redis {

struct Endpoint {
  std::string host;
  int port = 6379;
  std::string user;                   // Redis 6 ACL user; empty: the default user
  std::optional<std::string> password;
  int database = 0;
};

// Throws std::invalid_argument naming what is wrong.
Endpoint parse_redis_url(std::string_view url);

}  // namespace nelo::redis
