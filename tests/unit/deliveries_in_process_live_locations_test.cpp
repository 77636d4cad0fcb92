// The in-process live-locations store: the shared suite (tests/deliveries/live_locations_suite.hpp),
// and what only a grid has: searches across the antimeridian and near a pole.

#include "modules/deliveries/live/in_process_live_locations.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "deliveries/live_locations_suite.hpp"

namespace nelo::deliveries::test {
namespace {

INSTANTIATE_TEST_SUITE_P(
    InProcess, LiveLocationsSuite,
    ::testing::Values(LiveLocationsFactory{
        "InProcess", [](boost::asio::io_context&, const std::string&) { return std::make_unique<InProcessLiveLocations>(); },
        false}),
    [](const auto& info) { return info.param.name; });

DriverPosition at_point(std::string id, GeoPoint point) {
  DriverPosition p;
  p.driver_id = std::move(id);
  p.point = point;
  p.recorded_at = Clock::now();
  return p;
}

std::vector<std::string> ids_of(const std::vector<NearbyDriver>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(f.position.driver_id);
  return out;
}

TEST(InProcessLiveLocations, Nearest_AcrossTheAntimeridian_FindsDriversOnTheOtherSide) {
  InProcessLiveLocations store;
  store.update_now(at_point("west-of-line", GeoPoint{-17.0, 179.995}));  // Fiji, ~530 m west of 180
  store.update_now(at_point("east-of-line", GeoPoint{-17.0, -179.99}));  // ~1060 m east
  auto found = store.nearest_now(GeoPoint{-17.0, 180.0}, 2000, 10, Clock::now() - std::chrono::hours(1));
  EXPECT_EQ(ids_of(found), (std::vector<std::string>{"west-of-line", "east-of-line"}));
}

TEST(InProcessLiveLocations, Nearest_AtTheServedLatitudeBound_SearchesTheNarrowColumns) {
  InProcessLiveLocations store;
  // At 85 degrees a longitude degree is 9.7 km: 8 km east spans hundreds of 0.002-degree columns.
  store.update_now(at_point("near", GeoPoint{85.0, 10.2}));    // ~1.9 km east
  store.update_now(at_point("far", GeoPoint{85.0, 10.8}));     // ~7.8 km east
  store.update_now(at_point("beyond", GeoPoint{85.0, 11.0}));  // ~9.7 km east
  auto found = store.nearest_now(GeoPoint{85.0, 10.0}, 8000, 10, Clock::now() - std::chrono::hours(1));
  EXPECT_EQ(ids_of(found), (std::vector<std::string>{"near", "far"}));
}

TEST(InProcessLiveLocations, Size_CountsDriversOnce_AndRemoveForgets) {
  InProcessLiveLocations store;
  store.update_now(at_point("a", GeoPoint{48.85, 2.35}));
  store.update_now(at_point("a", GeoPoint{48.95, 2.45}));  // moved to another cell
  store.update_now(at_point("b", GeoPoint{48.85, 2.35}));
  EXPECT_EQ(store.size(), 2u);
  auto found = store.nearest_now(GeoPoint{48.85, 2.35}, 100, 10, Clock::now() - std::chrono::hours(1));
  EXPECT_EQ(ids_of(found), std::vector<std::string>{"b"}) << "the old cell no longer holds a";
  store.remove_now("a");
  EXPECT_EQ(store.size(), 1u);
}

TEST(GeoGrid, RingsVisitEachCellOnce_AndWrapAtTheAntimeridian) {
  GeoGrid grid(1.0);  // 360 columns, 180 rows
  auto center = grid.cell_of(GeoPoint{0.5, 179.5});
  EXPECT_EQ(center.column, 359);
  std::set<std::pair<int, int>> seen;
  for (int ring = 0; ring <= 2; ++ring) {
    grid.for_each_in_ring(center, ring, 100, [&](GeoGrid::Cell cell) {
      EXPECT_TRUE(seen.insert({cell.row, cell.column}).second) << cell.row << "," << cell.column;
    });
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_TRUE(seen.count({center.row, 0})) << "column 0 is east of column 359";
  EXPECT_TRUE(seen.count({center.row, 1}));
}

TEST(GeoGrid, RingsStopAtThePolesAndAtTheRowBound) {
  GeoGrid grid(1.0);
  auto top = grid.cell_of(GeoPoint{90, 0});
  EXPECT_EQ(top.row, 179);
  int visited = 0;
  grid.for_each_in_ring(top, 1, 100, [&](GeoGrid::Cell cell) {
    EXPECT_LE(cell.row, 179);
    ++visited;
  });
  EXPECT_EQ(visited, 5);  // the row below (3) and the two beside; nothing past the pole
  visited = 0;
  grid.for_each_in_ring(grid.cell_of(GeoPoint{0, 0}), 3, 1, [&](GeoGrid::Cell) { ++visited; });
  EXPECT_EQ(visited, 6);  // rows -1, 0, 1: two cells each
}

TEST(GeoGrid, RingLowerBound_IsNeverAboveARealDistance) {
  // For random points and every ring, no point of that ring (or beyond) is nearer than the bound.
  GeoGrid grid;
  std::mt19937 random(7);
  std::uniform_real_distribution<double> lat(-80, 80), lng(-180, 180), step(-0.05, 0.05);
  for (int i = 0; i < 2000; ++i) {
    GeoPoint center{lat(random), lng(random)};
    GeoPoint other{std::clamp(center.lat + step(random), -90.0, 90.0), center.lng + step(random)};
    if (other.lng > 180) other.lng -= 360;
    if (other.lng < -180) other.lng += 360;
    auto a = grid.cell_of(center), b = grid.cell_of(other);
    int dc = std::abs(a.column - b.column);
    dc = std::min(dc, grid.columns() - dc);
    int ring = std::max(std::abs(a.row - b.row), dc);
    double distance = geo::distance_m(center.lat, center.lng, other.lat, other.lng);
    EXPECT_LE(grid.ring_lower_bound_m(center, ring, distance + 1), distance)
        << center.lat << "," << center.lng << " -> " << other.lat << "," << other.lng << " ring " << ring;
  }
}

}  // namespace
}  // namespace nelo::deliveries::test
