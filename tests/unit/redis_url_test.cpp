#include "core/redis/redis_url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nelo::redis {
namespace {

TEST(RedisUrl, HostAlone_TakesTheDefaultPortAndDatabase) {
  auto e = parse_redis_url("redis://cache.internal");
  EXPECT_EQ(e.host, "cache.internal");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.database, 0);
  EXPECT_TRUE(e.user.empty());
  EXPECT_FALSE(e.password.has_value());
}

TEST(RedisUrl, EveryPart_IsRead) {
  auto e = parse_redis_url("redis://nelo:s3cret@127.0.0.1:6380/2");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.user, "nelo");
  EXPECT_EQ(e.password, "s3cret");
  EXPECT_EQ(e.database, 2);
  auto password_only = parse_redis_url("redis://:pw@localhost/");
  EXPECT_TRUE(password_only.user.empty());
  EXPECT_EQ(password_only.password, "pw");
  EXPECT_EQ(password_only.database, 0);
}

TEST(RedisUrl, Malformed_IsRefusedWithTheReason) {
  EXPECT_THROW(parse_redis_url("http://localhost"), std::invalid_argument);
  EXPECT_THROW(parse_redis_url("redis://"), std::invalid_argument);
  EXPECT_THROW(parse_redis_url("redis://localhost:0"), std::invalid_argument);
  EXPECT_THROW(parse_redis_url("redis://localhost:99999"), std::invalid_argument);
  EXPECT_THROW(parse_redis_url("redis://localhost/x"), std::invalid_argument);
  EXPECT_THROW(parse_redis_url("localhost:6379"), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::redis
