#pragma once
// The one behaviour every LiveLocations store must have (live_locations.hpp), written once and
// run against each implementation: a test file instantiates it with a factory of fresh stores,
// INSTANTIATE_TEST_SUITE_P(InProcess, LiveLocationsSuite, ::testing::Values(factory)).
// The stores run on an io_context of two threads, as in the server; distances are checked
// against a haversine computed here, independently of the stores' own geodesy.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <memory>
#include <numbers>
#include <ostream>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.hpp"
#include "core/geo/geodesic.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo::deliveries {

// Failures print positions readably (found by argument-dependent lookup, hence this namespace).
inline void PrintTo(const DriverPosition& p, std::ostream* out) {
  *out << "{" << p.driver_id << " at " << p.point.lat << "," << p.point.lng << " recorded "
       << std::chrono::duration_cast<std::chrono::microseconds>(p.recorded_at.time_since_epoch()).count() << " us";
  if (p.accuracy_m) *out << " accuracy " << *p.accuracy_m;
  if (p.heading_deg) *out << " heading " << *p.heading_deg;
  if (p.speed_mps) *out << " speed " << *p.speed_mps;
  *out << "}";
}

}  // namespace nelo::deliveries

namespace nelo::deliveries::test {

using Clock = std::chrono::system_clock;

struct LiveLocationsFactory {
  std::string name;
  // A new, empty store. Stores made with the same `space` share their positions where the
  // implementation shares them between processes (`shared_between_instances`).
  std::function<std::unique_ptr<LiveLocations>(boost::asio::io_context& io, const std::string& space)> make;
  bool shared_between_instances = false;
};

inline void PrintTo(const LiveLocationsFactory& factory, std::ostream* out) { *out << factory.name; }

// Great-circle distance on a sphere of the Earth's mean radius: the stores measure on the WGS 84
// ellipsoid, which differs from it by at most half a percent.
inline double haversine_m(GeoPoint a, GeoPoint b) {
  constexpr double kMeanRadiusM = 6'371'008.8;
  constexpr double kRad = std::numbers::pi / 180;
  double dlat = (b.lat - a.lat) * kRad;
  double dlng = (b.lng - a.lng) * kRad;
  double h = std::pow(std::sin(dlat / 2), 2) + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::pow(std::sin(dlng / 2), 2);
  return 2 * kMeanRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

// A point `north_m` and `east_m` metres away from `from` (small offsets).
inline GeoPoint offset(GeoPoint from, double north_m, double east_m) {
  constexpr double kRad = std::numbers::pi / 180;
  return GeoPoint{from.lat + north_m / 111'132.0, from.lng + east_m / (111'320.0 * std::cos(from.lat * kRad))};
}

class LiveLocationsSuite : public ::testing::TestWithParam<LiveLocationsFactory> {
 protected:
  static constexpr GeoPoint kParis{48.8566, 2.3522};

  void SetUp() override {
    std::random_device device;
    space_ = "t" + std::to_string(device()) + std::to_string(device());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    store_ = make_store();
  }

  void TearDown() override {
    store_.reset();
    others_.clear();
    work_.reset();
    for (auto& thread : threads_) thread.join();
  }

  std::unique_ptr<LiveLocations> make_store() { return GetParam().make(io_, space_); }
  LiveLocations& store() { return *store_; }

  // Runs `work` on the io_context's threads and waits for its end, from the test's thread.
  template <class T>
  T sync(boost::asio::awaitable<T> work) {
    return boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future).get();
  }

  // Times on whole microseconds: what every store keeps exactly.
  static Clock::time_point at(int seconds_ago) {
    static const auto kNow = std::chrono::floor<std::chrono::microseconds>(Clock::now());
    return kNow - std::chrono::seconds(seconds_ago);
  }
  static Clock::time_point long_ago() { return at(3600); }

  static DriverPosition position(std::string id, GeoPoint point, Clock::time_point recorded_at = at(0)) {
    DriverPosition p;
    p.driver_id = std::move(id);
    p.point = point;
    p.recorded_at = recorded_at;
    return p;
  }

  bool update(LiveLocations& s, DriverPosition p) { return sync(s.update(std::move(p))); }
  bool update(DriverPosition p) { return update(store(), std::move(p)); }
  std::optional<DriverPosition> get(const std::string& id) { return sync(store().get(id)); }
  std::vector<NearbyDriver> nearest(GeoPoint center, double radius_m, std::size_t limit,
                                    Clock::time_point fresher_than = long_ago()) {
    return sync(store().nearest(center, radius_m, limit, fresher_than));
  }
  static std::vector<std::string> ids(const std::vector<NearbyDriver>& found) {
    std::vector<std::string> out;
    for (const auto& f : found) out.push_back(f.position.driver_id);
    return out;
  }

  boost::asio::io_context io_{2};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::string space_;
  std::unique_ptr<LiveLocations> store_;
  std::vector<std::unique_ptr<LiveLocations>> others_;
};

TEST_P(LiveLocationsSuite, Update_ThenGet_ReturnsThePositionWithItsDetails) {
  auto p = position("driver-a", GeoPoint{48.8606, 2.3376}, at(5));
  p.accuracy_m = 4.5;
  p.heading_deg = 271.25;
  p.speed_mps = 8.125;
  EXPECT_TRUE(update(p));
  EXPECT_EQ(get("driver-a"), p);

  auto bare = position("driver-b", GeoPoint{-33.8688, 151.2093}, at(7));
  EXPECT_TRUE(update(bare));
  EXPECT_EQ(get("driver-b"), bare);  // no accuracy, heading or speed: none comes back
}

TEST_P(LiveLocationsSuite, Get_OfAnUnknownDriver_IsEmpty) {
  EXPECT_EQ(get("nobody"), std::nullopt);
}

TEST_P(LiveLocationsSuite, Update_RecordedBeforeTheHeldOne_IsIgnored) {
  auto recent = position("driver-a", kParis, at(10));
  ASSERT_TRUE(update(recent));
  auto late = position("driver-a", offset(kParis, 500, 0), at(20));  // taken earlier, arrived later
  EXPECT_FALSE(update(late));
  EXPECT_EQ(get("driver-a"), recent);
  auto found = nearest(offset(kParis, 500, 0), 100, 10);
  EXPECT_TRUE(found.empty()) << "the ignored ping must not move the driver in the index";

  auto newer = position("driver-a", offset(kParis, 0, 300), at(5));
  EXPECT_TRUE(update(newer));
  EXPECT_EQ(get("driver-a"), newer);
  auto same_time = position("driver-a", offset(kParis, 0, 310), at(5));  // a resend: taken
  EXPECT_TRUE(update(same_time));
  EXPECT_EQ(get("driver-a"), same_time);
}

TEST_P(LiveLocationsSuite, Nearest_IsOrderedByDistance_WithGreatCircleDistances) {
  // Placed in an order unlike their distances, in every direction from the center.
  const std::vector<std::pair<std::string, GeoPoint>> drivers = {
      {"far-east", offset(kParis, 0, 2400)},    {"near-north", offset(kParis, 150, 0)},
      {"mid-south", offset(kParis, -900, 0)},   {"near-west", offset(kParis, 0, -420)},
      {"diagonal", offset(kParis, 1000, 1000)}, {"on-top", offset(kParis, 2, 1)},
  };
  for (const auto& [id, point] : drivers) ASSERT_TRUE(update(position(id, point)));

  auto found = nearest(kParis, 5000, 10);
  EXPECT_EQ(ids(found), (std::vector<std::string>{"on-top", "near-north", "near-west", "mid-south", "diagonal", "far-east"}));
  for (const auto& f : found) {
    double expected = haversine_m(kParis, f.position.point);
    EXPECT_NEAR(f.distance_m, expected, expected * 0.005 + 0.5) << f.position.driver_id;
  }
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front().position, position("on-top", offset(kParis, 2, 1)));
}

TEST_P(LiveLocationsSuite, Nearest_FindsNoDriverBeyondTheRadius) {
  ASSERT_TRUE(update(position("inside", offset(kParis, 0, 950))));
  ASSERT_TRUE(update(position("outside", offset(kParis, 0, 1100))));
  ASSERT_TRUE(update(position("far-away", GeoPoint{45.7640, 4.8357})));  // Lyon

  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), std::vector<std::string>{"inside"});
  EXPECT_EQ(ids(nearest(kParis, 1200, 10)), (std::vector<std::string>{"inside", "outside"}));
  EXPECT_TRUE(nearest(kParis, 500, 10).empty());
  EXPECT_TRUE(nearest(GeoPoint{0, 0}, 8000, 10).empty());
}

TEST_P(LiveLocationsSuite, Nearest_ReturnsAtMostLimit_TheNearestOnes) {
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE(update(position("d" + std::to_string(i), offset(kParis, 100.0 * i, 0))));
  EXPECT_EQ(ids(nearest(kParis, 5000, 3)), (std::vector<std::string>{"d1", "d2", "d3"}));
  EXPECT_EQ(nearest(kParis, 5000, 12).size(), 12u);
  EXPECT_EQ(nearest(kParis, 5000, 50).size(), 12u);
  EXPECT_TRUE(nearest(kParis, 5000, 0).empty());
}

TEST_P(LiveLocationsSuite, Nearest_SkipsPositionsRecordedBeforeTheFreshnessBound) {
  ASSERT_TRUE(update(position("fresh", offset(kParis, 0, 600), at(10))));
  ASSERT_TRUE(update(position("stale", offset(kParis, 0, 100), at(120))));
  ASSERT_TRUE(update(position("exactly-at-bound", offset(kParis, 0, 300), at(60))));

  EXPECT_EQ(ids(nearest(kParis, 2000, 10, at(60))), (std::vector<std::string>{"exactly-at-bound", "fresh"}));
  EXPECT_EQ(ids(nearest(kParis, 2000, 10, at(0))), std::vector<std::string>{});
  EXPECT_EQ(ids(nearest(kParis, 2000, 10)), (std::vector<std::string>{"stale", "exactly-at-bound", "fresh"}));
  // A stale driver found again once it pings.
  ASSERT_TRUE(update(position("stale", offset(kParis, 0, 100), at(1))));
  EXPECT_EQ(ids(nearest(kParis, 2000, 10, at(60))), (std::vector<std::string>{"stale", "exactly-at-bound", "fresh"}));
}

TEST_P(LiveLocationsSuite, Remove_ForgetsTheDriverUntilItsNextUpdate) {
  ASSERT_TRUE(update(position("leaving", offset(kParis, 0, 100), at(10))));
  ASSERT_TRUE(update(position("staying", offset(kParis, 0, 200), at(10))));
  sync(store().remove("leaving"));
  EXPECT_EQ(get("leaving"), std::nullopt);
  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), std::vector<std::string>{"staying"});
  sync(store().remove("leaving"));  // twice, or an unknown driver: nothing to do
  sync(store().remove("never-seen"));

  // Back online: any fix is taken, even one older than the forgotten position.
  EXPECT_TRUE(update(position("leaving", offset(kParis, 0, 50), at(20))));
  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), (std::vector<std::string>{"leaving", "staying"}));
}

TEST_P(LiveLocationsSuite, Prune_ForgetsOnlyThoseFixedBeforeTheBound) {
  // at(n): n seconds ago.
  ASSERT_TRUE(update(position("silent", offset(kParis, 0, 100), at(40))));
  ASSERT_TRUE(update(position("at-bound", offset(kParis, 0, 200), at(30))));
  ASSERT_TRUE(update(position("moving", offset(kParis, 0, 300), at(50))));
  ASSERT_TRUE(update(position("moving", offset(kParis, 0, 350), at(10))));  // its newer fix counts
  EXPECT_EQ(sync(store().prune(at(30))), 1u);
  EXPECT_EQ(get("silent"), std::nullopt);
  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), (std::vector<std::string>{"at-bound", "moving"}));
  EXPECT_EQ(sync(store().prune(at(30))), 0u) << "nothing left to forget";
  // Forgotten, not barred: the next fix brings the driver back.
  ASSERT_TRUE(update(position("silent", offset(kParis, 0, 100), at(5))));
  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), (std::vector<std::string>{"silent", "at-bound", "moving"}));
  // A driver removed (gone offline) is not counted again.
  sync(store().remove("moving"));
  EXPECT_EQ(sync(store().prune(at(20))), 1u);
  EXPECT_EQ(ids(nearest(kParis, 1000, 10)), std::vector<std::string>{"silent"});
}

TEST_P(LiveLocationsSuite, Prune_OfManyDrivers_ForgetsThemAll) {
  for (int i = 0; i < 1200; ++i) {  // more than one of the Redis store's batches
    std::string id = std::to_string(i);  // (not "d" + ...: g++ 12 warns wrongly on it)
    ASSERT_TRUE(update(position(id, offset(kParis, i % 40 * 10.0, i / 40 * 10.0), at(20 + i % 7))));
  }
  ASSERT_TRUE(update(position("fresh", offset(kParis, 0, 0), at(0))));
  EXPECT_EQ(sync(store().prune(at(10))), 1200u);
  EXPECT_EQ(ids(nearest(kParis, 5000, 10)), std::vector<std::string>{"fresh"});
}

TEST_P(LiveLocationsSuite, Update_WithAPointOffTheServedGlobe_IsAValidationError) {
  EXPECT_THROW(update(position("x", GeoPoint{91, 0})), ValidationError);
  EXPECT_THROW(update(position("x", GeoPoint{85.1, 0})), ValidationError);  // past Redis GEO's bound
  EXPECT_THROW(update(position("x", GeoPoint{0, 180.5})), ValidationError);
  EXPECT_THROW(update(position("x", GeoPoint{std::nan(""), 0})), ValidationError);
  EXPECT_THROW(nearest(GeoPoint{-86, 0}, 1000, 10), ValidationError);
  EXPECT_EQ(get("x"), std::nullopt);
  EXPECT_TRUE(update(position("x", GeoPoint{85.05, 179.9})));  // the edges themselves are served
  EXPECT_EQ(ids(nearest(GeoPoint{85.05, 179.8}, 5000, 10)), std::vector<std::string>{"x"});
}

TEST_P(LiveLocationsSuite, Nearest_AmongManyDrivers_MatchesAScanOfThemAll) {
  // 3000 drivers over a 10 x 10 km square, some of them stale; 20 searches of various radii.
  std::mt19937 random(20261206);
  std::uniform_real_distribution<double> metres(-5000, 5000);
  std::vector<DriverPosition> all;
  for (int i = 0; i < 3000; ++i) {
    all.push_back(position("m" + std::to_string(i), offset(kParis, metres(random), metres(random)), at(i % 7 == 0 ? 300 : 5)));
  }
  auto batch = [&](std::size_t from, std::size_t to) -> boost::asio::awaitable<void> {
    for (auto i = from; i < to; ++i) co_await store().update(all[i]);
  };
  sync(batch(0, all.size()));

  for (int q = 0; q < 20; ++q) {
    GeoPoint center = offset(kParis, metres(random), metres(random));
    double radius = q % 4 == 0 ? 300 : 1500;
    std::size_t limit = q % 3 == 0 ? 25 : 10;
    std::vector<double> expected;
    for (const auto& p : all) {
      if (p.recorded_at < at(60)) continue;
      double d = haversine_m(center, p.point);
      if (d <= radius * 0.995) expected.push_back(d);  // clear of the radius by the geodesy's margin
    }
    std::sort(expected.begin(), expected.end());
    auto found = nearest(center, radius, limit, at(60));
    ASSERT_GE(found.size(), std::min(expected.size(), limit)) << "search " << q;
    ASSERT_LE(found.size(), limit);
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < found.size(); ++i) {
      distinct.insert(found[i].position.driver_id);
      EXPECT_LE(found[i].distance_m, radius);
      EXPECT_GE(found[i].position.recorded_at, at(60));
      if (i > 0) {
        EXPECT_LE(found[i - 1].distance_m, found[i].distance_m);
      }
      if (i < expected.size()) {
        EXPECT_NEAR(found[i].distance_m, expected[i], expected[i] * 0.005 + 0.5) << "search " << q << " rank " << i;
      }
    }
    EXPECT_EQ(distinct.size(), found.size()) << "a driver found twice";
  }
}

TEST_P(LiveLocationsSuite, ConcurrentUpdates_FromSeveralThreads_KeepEachDriversLatestFix) {
  // Four threads ping 50 drivers each, and all of them the same shared driver, with times in a
  // shuffled order: each driver ends at its latest fix, whatever order the pings were handled in.
  constexpr int kThreads = 4, kDrivers = 50, kPings = 10;
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 random(t);
      try {
        for (int ping = 0; ping < kPings; ++ping) {
          for (int d = 0; d < kDrivers; ++d) {
            auto id = "c" + std::to_string(t) + "-" + std::to_string(d);
            update(position(id, offset(kParis, 10.0 * d, 100.0 * t + ping), at(kPings - ping)));
          }
          int shared_age = std::uniform_int_distribution<int>(1, 1000)(random);
          update(position("shared", offset(kParis, 0, -shared_age), at(shared_age)));
        }
        update(position("shared", offset(kParis, 0, -1), at(0)));  // the latest fix of all, by one of them
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& client : clients) client.join();
  ASSERT_EQ(failures.load(), 0);

  for (int t = 0; t < kThreads; ++t) {
    for (int d = 0; d < kDrivers; ++d) {
      auto id = "c" + std::to_string(t) + "-" + std::to_string(d);
      EXPECT_EQ(get(id), position(id, offset(kParis, 10.0 * d, 100.0 * t + kPings - 1), at(1))) << id;
    }
  }
  EXPECT_EQ(get("shared"), position("shared", offset(kParis, 0, -1), at(0)));
  auto found = nearest(kParis, 5000, 1000);
  EXPECT_EQ(found.size(), static_cast<std::size_t>(kThreads * kDrivers + 1)) << "every driver once, none twice";
}

TEST_P(LiveLocationsSuite, TwoInstances_SeeEachOthersPositions) {
  if (!GetParam().shared_between_instances) GTEST_SKIP() << GetParam().name << " keeps positions in one process";
  auto& other = *others_.emplace_back(make_store());  // a second nelo process, in effect
  ASSERT_TRUE(update(other, position("from-other", offset(kParis, 0, 100), at(10))));
  ASSERT_TRUE(update(position("from-this", offset(kParis, 0, 200), at(10))));

  EXPECT_EQ(get("from-other"), position("from-other", offset(kParis, 0, 100), at(10)));
  EXPECT_EQ(sync(other.get("from-this")), position("from-this", offset(kParis, 0, 200), at(10)));
  EXPECT_EQ(ids(sync(other.nearest(kParis, 1000, 10, long_ago()))), (std::vector<std::string>{"from-other", "from-this"}));
  // Out of order across processes too: the other's older fix does not replace this one's.
  EXPECT_FALSE(update(other, position("from-this", offset(kParis, 0, 900), at(20))));
  sync(other.remove("from-this"));
  EXPECT_EQ(get("from-this"), std::nullopt);
}

}  // namespace nelo::deliveries::test
