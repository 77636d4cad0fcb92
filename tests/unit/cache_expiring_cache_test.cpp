#include "core/cache/expiring_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nelo::cache {
namespace {

using namespace std::chrono_literals;
using Cache = ExpiringCache<std::string, int>;
const Cache::Clock::time_point t0{};

TEST(ExpiringCache, HitsUntilTheTtlThenMisses) {
  Cache cache(5s, 10);
  cache.put("a", 1, t0);
  EXPECT_EQ(cache.find("a", t0 + 4999ms), 1);
  EXPECT_FALSE(cache.find("a", t0 + 5s));
  EXPECT_FALSE(cache.find("b", t0));
}

TEST(ExpiringCache, PutReplacesAndRestartsTheTtl) {
  Cache cache(5s, 10);
  cache.put("a", 1, t0);
  cache.put("a", 2, t0 + 4s);
  EXPECT_EQ(cache.find("a", t0 + 8s), 2);
  cache.erase("a");
  EXPECT_FALSE(cache.find("a", t0 + 8s));
}

TEST(ExpiringCache, WhenFullDropsExpiredEntriesFirstThenEverything) {
  Cache cache(5s, 2);
  cache.put("a", 1, t0);
  cache.put("b", 2, t0 + 3s);
  cache.put("c", 3, t0 + 6s);  // full: a expired, dropped; b kept
  EXPECT_EQ(cache.find("b", t0 + 6s), 2);
  EXPECT_EQ(cache.find("c", t0 + 6s), 3);
  EXPECT_EQ(cache.size(), 2u);
  cache.put("d", 4, t0 + 7s);  // full, nothing expired: starts over
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("d", t0 + 7s), 4);
}

TEST(ExpiringCache, PutUntilGivesAnEntryItsOwnEnd) {
  Cache cache(5s, 10);
  cache.put_until("long", 1, t0 + 60s, t0);
  cache.put_until("short", 2, t0 + 1s, t0);
  EXPECT_EQ(cache.find("long", t0 + 59s), 1);
  EXPECT_FALSE(cache.find("short", t0 + 1s));
}

TEST(ExpiringCache, ZeroTtlOrCapacityDisablesIt) {
  Cache no_ttl(0s, 10), no_room(5s, 0);
  no_ttl.put("a", 1, t0);
  no_room.put("a", 1, t0);
  EXPECT_FALSE(no_ttl.find("a", t0));
  EXPECT_FALSE(no_room.find("a", t0));
}

}  // namespace
}  // namespace nelo::cache
