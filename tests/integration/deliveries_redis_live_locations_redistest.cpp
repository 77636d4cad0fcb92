// The Redis GEO live-locations store against the real redis-server ./scripts/test starts
// (NELO_TEST_REDIS_URL): the shared suite (tests/deliveries/live_locations_suite.hpp), with two
// stores over one Redis standing for two nelo processes, and what only a shared server has: a
// Redis restart, and Redis out of reach.

#include "modules/deliveries/live/redis_live_locations.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "core/errors.hpp"
#include "core/redis/redis_client.hpp"
#include "deliveries/live_locations_suite.hpp"
#include "modules/deliveries/live/make_live_locations.hpp"

namespace nelo::deliveries::test {
namespace {

std::string test_redis_url() {
  const char* url = std::getenv("NELO_TEST_REDIS_URL");
  if (!url || !*url) {
    throw std::runtime_error(
        "NELO_TEST_REDIS_URL is not set: the redis tests need a redis-server; ./scripts/test starts one "
        "(or: source scripts/lib/redis.sh; nelo_redis_start DIR PORT; export NELO_TEST_REDIS_URL=redis://127.0.0.1:PORT)");
  }
  return url;
}

std::unique_ptr<LiveLocations> redis_store(boost::asio::io_context& io, const std::string& space) {
  return make_live_locations(io.get_executor(), test_redis_url(), "nelo:test:" + space);
}

INSTANTIATE_TEST_SUITE_P(Redis, LiveLocationsSuite, ::testing::Values(LiveLocationsFactory{"Redis", &redis_store, true}),
                         [](const auto& info) { return info.param.name; });

TEST(RedisLiveLocations, Unreachable_IsServiceUnavailable_NotAHang) {
  boost::asio::io_context io;
  auto work = [&]() -> boost::asio::awaitable<void> {
    // A port nothing listens on (the discard port, refused on loopback).
    auto store = make_live_locations(io.get_executor(), "redis://127.0.0.1:9", "nelo:test:unreachable");
    DriverPosition p;
    p.driver_id = "x";
    p.point = GeoPoint{48.85, 2.35};
    p.recorded_at = Clock::now();
    co_await store->update(p);
  };
  auto started = std::chrono::steady_clock::now();
  auto future = boost::asio::co_spawn(io, work(), boost::asio::use_future);
  io.run();
  EXPECT_THROW(future.get(), ServiceUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(RedisLiveLocations, AfterTheConnectionDrops_TheNextCommandConnectsAgain) {
  // CLIENT KILL of the store's own connection stands for a Redis restart: the store's next commands
  // work again without anything restarted here (a command in flight at the drop may fail).
  boost::asio::io_context io;
  // Made inside the coroutine and gone at its end: the connection stops watching its socket,
  // and io.run() returns.
  auto work = [&]() -> boost::asio::awaitable<std::optional<DriverPosition>> {
    auto client = std::make_shared<redis::Client>(io.get_executor(), redis::ClientOptions{test_redis_url()});
    RedisLiveLocations store(client, "nelo:test:reconnect");
    DriverPosition p;
    p.driver_id = "r";
    p.point = GeoPoint{48.85, 2.35};
    p.recorded_at = std::chrono::floor<std::chrono::microseconds>(Clock::now());
    co_await store.update(p);
    std::vector<std::string> id{"CLIENT", "ID"};
    auto own = co_await client->command(std::move(id));
    std::vector<std::string> kill{"CLIENT", "KILL", "ID", std::to_string(own.integer)};
    try {
      co_await client->command(std::move(kill));  // answered, or cut before the answer
    } catch (const ServiceUnavailable&) {
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
      try {
        co_return co_await store.get("r");
      } catch (const ServiceUnavailable&) {
      }
    }
    co_return std::nullopt;
  };
  auto future = boost::asio::co_spawn(io, work(), boost::asio::use_future);
  io.run();
  auto found = future.get();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->driver_id, "r");
}

TEST(RedisLiveLocations, ScriptsFlushed_AreLoadedAgain) {
  // After a restart Redis has forgotten the scripts (SCRIPT FLUSH does the same): EVALSHA
  // answers NOSCRIPT, and the store loads them again.
  boost::asio::io_context io;
  auto work = [&]() -> boost::asio::awaitable<bool> {
    auto client = std::make_shared<redis::Client>(io.get_executor(), redis::ClientOptions{test_redis_url()});
    RedisLiveLocations store(client, "nelo:test:flush");
    DriverPosition p;
    p.driver_id = "f";
    p.point = GeoPoint{48.85, 2.35};
    p.recorded_at = Clock::now() - std::chrono::seconds(5);
    co_await store.update(p);
    std::vector<std::string> flush{"SCRIPT", "FLUSH"};
    co_await client->command(std::move(flush));
    p.recorded_at = Clock::now();
    co_return co_await store.update(p);
  };
  auto future = boost::asio::co_spawn(io, work(), boost::asio::use_future);
  io.run();
  EXPECT_TRUE(future.get());
}

}  // namespace
}  // namespace nelo::deliveries::test
