// The drivers API's readers (modules/deliveries/api/v1/driver_schemas.hpp): profiles, pings and
// their batches, the nearby query; every rule reported under its field, all at once.

#include "modules/deliveries/api/v1/driver_schemas.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/time.hpp"

namespace nelo::deliveries {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SystemTime = std::chrono::system_clock::time_point;

const SystemTime kNow = SystemTime(*parse_timestamp("2026-12-06T23:00:00Z"));
const PingWindow kWindow{kNow - 600s, kNow + 30s};

std::vector<std::string> fields_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const ValidationError& e) {
    std::vector<std::string> fields;
    for (const auto& f : e.errors()) fields.push_back(f.field);
    return fields;
  }
  return {};
}

json::object object(std::string_view text) { return json::parse(text).as_object(); }

std::vector<std::string> ping_fields(std::string_view text) {
  return fields_of([&] { (void)parse_ping(object(text), kWindow); });
}

TEST(DriverSchemas, AProfileNeedsAKnownVehicleAndACapacityFromOneToFive) {
  auto p = parse_driver_profile(object(R"({"vehicle": "scooter"})"));
  EXPECT_EQ(p.vehicle, "scooter");
  EXPECT_EQ(p.capacity, 1);
  EXPECT_EQ(parse_driver_profile(object(R"({"vehicle": "car", "capacity": 5})")).capacity, 5);
  EXPECT_EQ(fields_of([] { (void)parse_driver_profile(object("{}")); }), std::vector<std::string>{"vehicle"});
  EXPECT_EQ(fields_of([] { (void)parse_driver_profile(object(R"({"vehicle": "Bike"})")); }),
            std::vector<std::string>{"vehicle"});
  EXPECT_EQ(fields_of([] { (void)parse_driver_profile(object(R"({"vehicle": "bike", "capacity": 0})")); }),
            std::vector<std::string>{"capacity"});
  EXPECT_EQ(fields_of([] { (void)parse_driver_profile(object(R"({"vehicle": "bike", "capacity": 6})")); }),
            std::vector<std::string>{"capacity"});
  EXPECT_EQ(fields_of([] { (void)parse_driver_profile(object(R"({"vehicle": "bike", "online": true})")); }),
            std::vector<std::string>{"online"});
}

TEST(DriverSchemas, APingWithinItsBoundsIsRead) {
  auto p = parse_ping(object(R"({"lat": 48.8566, "lng": 2.3522, "accuracy_m": 0, "heading": 359.9,
                                 "speed_mps": 0, "recorded_at": "2026-12-06T23:00:30+00:00"})"),
                      kWindow);
  EXPECT_TRUE(p.driver_id.empty());
  EXPECT_EQ(p.point, (GeoPoint{48.8566, 2.3522}));
  EXPECT_EQ(p.accuracy_m, 0.0);
  EXPECT_EQ(p.heading_deg, 359.9);
  EXPECT_EQ(p.speed_mps, 0.0);
  EXPECT_EQ(p.recorded_at, kNow + 30s) << "the skew allowed, exactly";
  auto oldest = parse_ping(object(R"({"lat": -90, "lng": 180, "recorded_at": "2026-12-06T22:50:00Z"})"), kWindow);
  EXPECT_EQ(oldest.recorded_at, kNow - 600s);
  EXPECT_FALSE(oldest.accuracy_m);
  EXPECT_FALSE(oldest.heading_deg);
  EXPECT_FALSE(oldest.speed_mps);
}

TEST(DriverSchemas, EachPingRuleNamesItsField) {
  const std::string tail = R"(, "recorded_at": "2026-12-06T23:00:00Z"})";
  EXPECT_EQ(ping_fields(R"({"lat": 90.0001, "lng": 0)" + tail), std::vector<std::string>{"lat"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": -180.5)" + tail), std::vector<std::string>{"lng"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "accuracy_m": -0.1)" + tail), std::vector<std::string>{"accuracy_m"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "accuracy_m": 1e6)" + tail), std::vector<std::string>{"accuracy_m"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "heading": 360)" + tail), std::vector<std::string>{"heading"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "heading": -1)" + tail), std::vector<std::string>{"heading"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "speed_mps": -1)" + tail), std::vector<std::string>{"speed_mps"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "speed_mps": 100.5)" + tail), std::vector<std::string>{"speed_mps"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "speed_mps": "fast")" + tail), std::vector<std::string>{"speed_mps"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "2026-12-06T23:00:30.001Z"})"),
            std::vector<std::string>{"recorded_at"})
      << "past the skew";
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "2026-12-06T22:49:59.999Z"})"),
            std::vector<std::string>{"recorded_at"})
      << "older than the maximum age";
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "2026-12-06 23:00:00+00"})"),
            std::vector<std::string>{"recorded_at"})
      << "PostgreSQL's form is not RFC 3339";
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": 1733526000})"), std::vector<std::string>{"recorded_at"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "1013-01-01T00:00:00Z"})"),
            std::vector<std::string>{"recorded_at"})
      << "beyond what system_clock holds in nanoseconds: refused, not overflowed (found by fuzzing)";
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "9999-12-31T23:59:59Z"})"),
            std::vector<std::string>{"recorded_at"});
  EXPECT_EQ(ping_fields(R"({"lat": 0, "lng": 0, "recorded_at": "2026-13-06T23:00:00Z"})"),
            std::vector<std::string>{"recorded_at"});
  EXPECT_EQ(ping_fields(R"({"driver_id": "x", "lat": null, "heading": 720})"),
            (std::vector<std::string>{"driver_id", "lat", "lng", "heading", "recorded_at"}));
}

TEST(DriverSchemas, ABatchChecksEveryPointAndHoldsOneToFifty) {
  std::string point = R"({"lat": 1, "lng": 2, "recorded_at": "2026-12-06T22:59:00Z"})";
  auto batch = [&](int n) {
    std::string body = R"({"points": [)";
    for (int i = 0; i < n; ++i) body += (i ? "," : "") + point;
    return object(body + "]}");
  };
  EXPECT_EQ(parse_ping_batch(batch(1), kWindow).size(), 1u);
  EXPECT_EQ(parse_ping_batch(batch(50), kWindow).size(), 50u);
  EXPECT_EQ(fields_of([&] { (void)parse_ping_batch(batch(51), kWindow); }), std::vector<std::string>{"points"});
  EXPECT_EQ(fields_of([&] { (void)parse_ping_batch(batch(0), kWindow); }), std::vector<std::string>{"points"});
  EXPECT_EQ(fields_of([&] { (void)parse_ping_batch(object("{}"), kWindow); }), std::vector<std::string>{"points"});
  auto mixed = object(R"({"points": [
      {"lat": 1, "lng": 2, "recorded_at": "2026-12-06T22:59:00Z"},
      "here",
      {"lat": 1, "lng": 200, "recorded_at": "2026-12-06T22:59:00Z"},
      {"lat": 1, "lng": 2, "recorded_at": "2026-12-07T22:59:00Z", "x": 1}]})");
  EXPECT_EQ(fields_of([&] { (void)parse_ping_batch(mixed, kWindow); }),
            (std::vector<std::string>{"points[1]", "points[2].lng", "points[3].x", "points[3].recorded_at"}));
}

TEST(DriverSchemas, TheNearbyQueryNeedsAPointAndBoundsItsRadiusAndLimit) {
  auto q = parse_nearby_query({"48.85", "2.35", std::nullopt, std::nullopt});
  EXPECT_EQ(q.center, (GeoPoint{48.85, 2.35}));
  EXPECT_EQ(q.radius_m, kDefaultNearbyRadiusM);
  EXPECT_EQ(q.limit, kDefaultNearbyLimit);
  auto bounded = parse_nearby_query({"-90", "180", "50000", "1000"});
  EXPECT_EQ(bounded.radius_m, 50000);
  EXPECT_EQ(bounded.limit, kMaxNearbyLimit) << "larger limits are clamped";
  EXPECT_EQ(fields_of([] { (void)parse_nearby_query({std::nullopt, std::nullopt, std::nullopt, std::nullopt}); }),
            (std::vector<std::string>{"lat", "lng"}));
  EXPECT_EQ(fields_of([] { (void)parse_nearby_query({"91", "nan", "0", "0"}); }),
            (std::vector<std::string>{"lat", "lng", "radius_m", "limit"}));
  EXPECT_EQ(fields_of([] { (void)parse_nearby_query({"1", "2", "1.5", "x"}); }),
            (std::vector<std::string>{"radius_m", "limit"}));
}

TEST(DriverSchemas, APingAnswerSaysWhetherItWasApplied) {
  EXPECT_EQ(ping_result_text({true, kNow + 250ms}), R"({"applied":true,"recorded_at":"2026-12-06T23:00:00.250Z"})");
  EXPECT_EQ(ping_result_text({false, kNow}), R"({"applied":false,"recorded_at":"2026-12-06T23:00:00.000Z"})");
}

}  // namespace
}  // namespace nelo::deliveries
