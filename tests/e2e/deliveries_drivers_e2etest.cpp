// Black-box tests of the deliveries module's drivers part on the real `nelo` binary and a real
// PostgreSQL + PostGIS, with drivers whose role an admin approved: profiles, availability,
// location pings (validation, batches, order), the admin's nearby search over the live index, and
// the last-known positions the write-behind puts in deliveries.driver_positions.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "support/auth_client.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kMe = "/api/v1/deliveries/drivers/me";
constexpr const char* kLocation = "/api/v1/deliveries/drivers/me/location";
constexpr const char* kBatch = "/api/v1/deliveries/drivers/me/location/batch";

// recorded_at `offset` from now, RFC 3339.
std::string at(std::chrono::milliseconds offset = 0ms) {
  return to_rfc3339(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now() + offset));
}

json::object ping(double lat, double lng, const std::string& recorded_at) {
  return {{"lat", lat}, {"lng", lng}, {"accuracy_m", 5}, {"heading", 90}, {"speed_mps", 4.5}, {"recorded_at", recorded_at}};
}

std::string nearby_path(double lat, double lng, int radius_m = 2000) {
  return "/api/v1/deliveries/drivers/nearby?lat=" + std::to_string(lat) + "&lng=" + std::to_string(lng) +
         "&radius_m=" + std::to_string(radius_m) + "&limit=100";
}

// The item of `driver` in a nearby answer, or null.
json::value find_driver(const HttpResponse& r, const std::string& driver) {
  const json::value body = r.json();
  for (const auto& item : body.at("items").as_array()) {
    if (item.at("driver_id").as_string() == driver) return item;
  }
  return nullptr;
}

class DriversE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          {"NELO_DELIVERIES_POSITION_FLUSH_MS", "100"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete admin_;
    admin_ = nullptr;
    delete server_;
    delete db_;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 15s); }

  TestAccount& admin() {
    if (!admin_) {
      auto c = client();
      admin_ = new TestAccount(make_admin(c, *db_));
    }
    return *admin_;
  }

  TestAccount account(std::string_view role) {
    auto c = client();
    auto email = unique_email(std::string("drivers-") + std::string(role));
    if (role == "customer") return register_and_login(c, email);
    if (role == "admin") return make_admin(c, *db_);
    return register_with_role(c, admin(), email, role);
  }

  // A driver with a profile, online.
  TestAccount online_driver() {
    auto driver = account("driver");
    EXPECT_EQ(send("PUT", kMe, &driver, R"({"vehicle": "scooter"})").status, 201);
    EXPECT_EQ(send("POST", std::string(kMe) + "/online", &driver).status, 200);
    return driver;
  }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}) {
    Headers headers;
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client().request(method, target, body, headers);
  }
  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const json::object& body) {
    return send(method, target, who, json::serialize(body));
  }

  HttpResponse nearby(double lat, double lng, int radius_m = 2000) {
    return send("GET", nearby_path(lat, lng, radius_m), &admin());
  }

  // Expects a 422 whose errors name exactly `fields`.
  void expect_invalid(const HttpResponse& r, const std::vector<std::string>& fields) {
    expect_problem(r, 422);
    EXPECT_EQ(error_fields(r), fields) << r.body;
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static TestAccount* admin_;
};
TestDatabase* DriversE2E::db_ = nullptr;
NeloProcess* DriversE2E::server_ = nullptr;
TestAccount* DriversE2E::admin_ = nullptr;

// --- profiles ---

TEST_F(DriversE2E, AProfileIsCreatedThenReplaced) {
  auto driver = account("driver");
  auto before = send("GET", kMe, &driver);
  expect_problem(before, 404);

  auto created = send("PUT", kMe, &driver, R"({"vehicle": "bike"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("driver_id").as_string(), driver.user_id);
  EXPECT_EQ(created.json().at("vehicle").as_string(), "bike");
  EXPECT_EQ(created.json().at("capacity").as_int64(), 1) << "capacity defaults to 1";
  EXPECT_FALSE(created.json().at("online").as_bool());
  EXPECT_TRUE(created.json().at("online_since").is_null());

  auto replaced = send("PUT", kMe, &driver, R"({"vehicle": "car", "capacity": 3})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  auto read = send("GET", kMe, &driver);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("vehicle").as_string(), "car");
  EXPECT_EQ(read.json().at("capacity").as_int64(), 3);
  EXPECT_EQ(read.json().at("created_at"), created.json().at("created_at"));
}

TEST_F(DriversE2E, AProfileIsValidatedFieldByField) {
  auto driver = account("driver");
  expect_invalid(send("PUT", kMe, &driver, R"({"capacity": 2})"), {"vehicle"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": "truck"})"), {"vehicle"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": "bike", "capacity": 0})"), {"capacity"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": "bike", "capacity": 6})"), {"capacity"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": "bike", "capacity": "2"})"), {"capacity"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": "bike", "online": true})"), {"online"});
  expect_invalid(send("PUT", kMe, &driver, R"({"vehicle": 7, "capacity": 1.5, "user_id": "x"})"),
                 {"user_id", "vehicle", "capacity"});
  expect_problem(send("GET", kMe, &driver), 404);  // nothing was stored
}

TEST_F(DriversE2E, OnlyDriversHaveADriverProfile) {
  for (const char* role : {"customer", "merchant", "admin"}) {
    auto someone = account(role);
    expect_problem(send("PUT", kMe, &someone, R"({"vehicle": "bike"})"), 403);
    expect_problem(send("GET", kMe, &someone), 403);
    expect_problem(send("POST", std::string(kMe) + "/online", &someone), 403);
    expect_problem(send("PUT", kLocation, &someone, ping(48.85, 2.35, at())), 403);
  }
  expect_problem(send("GET", kMe, nullptr), 401);
  expect_problem(send("PUT", kLocation, nullptr, ping(48.85, 2.35, at())), 401);
}

TEST_F(DriversE2E, AnotherDriverCannotSeeOrMoveMine) {
  auto mine = online_driver();
  auto other = account("driver");
  expect_problem(send("GET", kMe, &other), 404);  // /me is the caller's: another's profile is never reached
  expect_problem(send("POST", std::string(kMe) + "/online", &other), 409);
  ASSERT_EQ(send("PUT", kLocation, &mine, ping(43.2965, 5.3698, at())).status, 200);
  expect_problem(send("PUT", kLocation, &other, ping(43.2965, 5.3800, at())), 409);
  auto still = send("GET", kMe, &mine);
  EXPECT_TRUE(still.json().at("online").as_bool());
  auto found = find_driver(nearby(43.2965, 5.3698), mine.user_id);
  ASSERT_FALSE(found.is_null());
  EXPECT_DOUBLE_EQ(found.at("lng").to_number<double>(), 5.3698);
}

// --- availability ---

TEST_F(DriversE2E, GoingOnlineNeedsAProfile) {
  auto driver = account("driver");
  expect_problem(send("POST", std::string(kMe) + "/online", &driver), 409);
  expect_problem(send("POST", std::string(kMe) + "/offline", &driver), 409);
  ASSERT_EQ(send("PUT", kMe, &driver, R"({"vehicle": "bike"})").status, 201);
  auto online = send("POST", std::string(kMe) + "/online", &driver);
  ASSERT_EQ(online.status, 200) << online.body;
  EXPECT_TRUE(online.json().at("online").as_bool());
  EXPECT_TRUE(online.json().at("online_since").is_string());
  auto again = send("POST", std::string(kMe) + "/online", &driver);
  EXPECT_EQ(again.json().at("online_since"), online.json().at("online_since")) << "already online: nothing changes";
}

TEST_F(DriversE2E, GoingOfflineLeavesTheMapAndRefusesPings) {
  auto driver = online_driver();
  ASSERT_EQ(send("PUT", kLocation, &driver, ping(45.7640, 4.8357, at())).status, 200);
  ASSERT_FALSE(find_driver(nearby(45.7640, 4.8357), driver.user_id).is_null());

  auto offline = send("POST", std::string(kMe) + "/offline", &driver);
  ASSERT_EQ(offline.status, 200) << offline.body;
  EXPECT_FALSE(offline.json().at("online").as_bool());
  EXPECT_TRUE(offline.json().at("online_since").is_null());
  EXPECT_TRUE(find_driver(nearby(45.7640, 4.8357), driver.user_id).is_null());

  auto refused = send("PUT", kLocation, &driver, ping(45.7641, 4.8358, at()));
  expect_problem(refused, 409);
  EXPECT_NE(refused.body.find("online"), std::string::npos) << refused.body;
  expect_problem(send("POST", kBatch, &driver, json::object{{"points", json::array{ping(45.7641, 4.8358, at())}}}), 409);
  EXPECT_TRUE(find_driver(nearby(45.7640, 4.8357), driver.user_id).is_null());
}

// --- pings ---

TEST_F(DriversE2E, APingIsValidatedRuleByRule) {
  auto driver = online_driver();
  auto check = [&](json::object body, const std::vector<std::string>& fields) {
    expect_invalid(send("PUT", kLocation, &driver, body), fields);
  };
  const std::string now = at();
  auto with = [&](const char* name, json::value value) {
    json::object body = ping(48.8566, 2.3522, now);
    body[name] = std::move(value);
    return body;
  };
  check(with("lat", 90.5), {"lat"});
  check(with("lat", -91), {"lat"});
  check(with("lng", 180.01), {"lng"});
  check(with("lng", "2.35"), {"lng"});
  check(with("accuracy_m", -1), {"accuracy_m"});
  check(with("heading", 360), {"heading"});
  check(with("heading", -0.5), {"heading"});
  check(with("speed_mps", -1), {"speed_mps"});
  check(with("speed_mps", 250), {"speed_mps"});
  check(with("recorded_at", "yesterday"), {"recorded_at"});
  check(with("recorded_at", "2026-12-06 12:00:00+00"), {"recorded_at"});
  check(with("recorded_at", json::string(at(5min))), {"recorded_at"});    // ahead of the server by more than 30 s
  check(with("recorded_at", json::string(at(-11min))), {"recorded_at"});  // older than 600 s
  check(with("altitude", 35), {"altitude"});
  check(json::object{{"recorded_at", now}}, {"lat", "lng"});
  check(json::object{{"lat", 100}, {"lng", 2.35}, {"heading", 400}}, {"lat", "heading", "recorded_at"});
  // Within the bounds: a little skew ahead, a fix a few minutes old, heading 0, speed 0.
  auto fine = send("PUT", kLocation, &driver, json::object{{"lat", 48.8566}, {"lng", 2.3522}, {"heading", 0},
                                                            {"speed_mps", 0}, {"recorded_at", at(-5min)}});
  EXPECT_EQ(fine.status, 200) << fine.body;
  auto skewed = send("PUT", kLocation, &driver, json::object{{"lat", 48.8566}, {"lng", 2.3522}, {"recorded_at", at(10s)}});
  EXPECT_EQ(skewed.status, 200) << skewed.body;
}

TEST_F(DriversE2E, AnOutOfOrderPingIsAcknowledgedAndIgnored) {
  auto driver = online_driver();
  const std::string later = at(-1s), earlier = at(-20s);
  auto first = send("PUT", kLocation, &driver, ping(50.6292, 3.0573, later));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(first.json().at("applied").as_bool());
  auto late = send("PUT", kLocation, &driver, ping(50.6200, 3.0500, earlier));
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_FALSE(late.json().at("applied").as_bool());
  auto found = find_driver(nearby(50.6292, 3.0573), driver.user_id);
  ASSERT_FALSE(found.is_null());
  EXPECT_DOUBLE_EQ(found.at("lat").to_number<double>(), 50.6292) << "the earlier fix changed nothing";
}

TEST_F(DriversE2E, ABatchKeepsItsLatestPoint) {
  auto driver = online_driver();
  json::array points{ping(44.8370, -0.5790, at(-30s)), ping(44.8378, -0.5792, at(-2s)), ping(44.8375, -0.5791, at(-10s))};
  auto r = send("POST", kBatch, &driver, json::object{{"points", points}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("applied").as_bool());
  auto found = find_driver(nearby(44.8370, -0.5790), driver.user_id);
  ASSERT_FALSE(found.is_null());
  EXPECT_DOUBLE_EQ(found.at("lat").to_number<double>(), 44.8378) << "the latest by recorded_at, not the last sent";

  // A batch older than what is known changes nothing.
  auto stale = send("POST", kBatch, &driver, json::object{{"points", json::array{ping(44.9, -0.6, at(-60s))}}});
  ASSERT_EQ(stale.status, 200) << stale.body;
  EXPECT_FALSE(stale.json().at("applied").as_bool());
}

TEST_F(DriversE2E, ABatchIsValidatedPointByPoint) {
  auto driver = online_driver();
  json::array points;
  for (int i = 0; i < 5; ++i) points.push_back(ping(48.85, 2.35, at(-std::chrono::seconds(i))));
  points[3].as_object()["lat"] = 95;
  points[1].as_object()["recorded_at"] = at(1h);
  points[4] = 7;
  expect_invalid(send("POST", kBatch, &driver, json::object{{"points", points}}),
                 {"points[1].recorded_at", "points[3].lat", "points[4]"});

  json::array many;
  for (int i = 0; i < 51; ++i) many.push_back(ping(48.85, 2.35, at(-std::chrono::seconds(i))));
  expect_invalid(send("POST", kBatch, &driver, json::object{{"points", many}}), {"points"});
  many.pop_back();
  EXPECT_EQ(send("POST", kBatch, &driver, json::object{{"points", many}}).status, 200) << "50 points are fine";
  expect_invalid(send("POST", kBatch, &driver, json::object{{"points", json::array{}}}), {"points"});
  expect_invalid(send("POST", kBatch, &driver, R"({"points": {}})"), {"points"});
  expect_invalid(send("POST", kBatch, &driver, R"({"point": []})"), {"point", "points"});
}

// --- nearby, freshness and the database ---

TEST_F(DriversE2E, ASilentDriverIsNotNearby) {
  auto silent = online_driver();
  auto fresh = online_driver();
  // Two minutes old: a valid ping (younger than ping_max_age) but older than driver_silence_timeout.
  auto old = send("PUT", kLocation, &silent, ping(47.2184, -1.5536, at(-2min)));
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_TRUE(old.json().at("applied").as_bool());
  ASSERT_EQ(send("PUT", kLocation, &fresh, ping(47.2190, -1.5540, at())).status, 200);
  auto r = nearby(47.2184, -1.5536);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(find_driver(r, silent.user_id).is_null()) << r.body;
  auto found = find_driver(r, fresh.user_id);
  ASSERT_FALSE(found.is_null()) << r.body;
  EXPECT_GT(found.at("distance_m").to_number<double>(), 0);
  EXPECT_LT(found.at("distance_m").to_number<double>(), 100);

  ASSERT_EQ(send("PUT", kLocation, &silent, ping(47.2184, -1.5536, at())).status, 200);
  EXPECT_FALSE(find_driver(nearby(47.2184, -1.5536), silent.user_id).is_null()) << "speaking again brings it back";
}

TEST_F(DriversE2E, NearbyIsForAdminsAndValidatesItsQuery) {
  auto driver = online_driver();
  auto customer = account("customer");
  expect_problem(send("GET", nearby_path(48.85, 2.35), &driver), 403);
  expect_problem(send("GET", nearby_path(48.85, 2.35), &customer), 403);
  expect_problem(send("GET", nearby_path(48.85, 2.35), nullptr), 401);
  auto ok = nearby(48.85, 2.35);
  EXPECT_EQ(ok.status, 200) << ok.body;
  expect_invalid(send("GET", "/api/v1/deliveries/drivers/nearby?lng=2.35", &admin()), {"lat"});
  expect_invalid(send("GET", "/api/v1/deliveries/drivers/nearby?lat=91&lng=abc&radius_m=0&limit=-1", &admin()),
                 {"lat", "lng", "radius_m", "limit"});
  expect_invalid(send("GET", "/api/v1/deliveries/drivers/nearby?lat=48&lng=2&radius_m=50001", &admin()), {"radius_m"});
}

TEST_F(DriversE2E, PositionsReachTheDatabaseInBatches) {
  auto driver = online_driver();
  const std::string when = at(-3s);
  ASSERT_EQ(send("PUT", kLocation, &driver, ping(43.6047, 1.4442, at(-4s))).status, 200);
  ASSERT_EQ(send("PUT", kLocation, &driver, ping(43.6050, 1.4450, when)).status, 200);
  const std::string sql = "SELECT round(ST_Y(location::geometry)::numeric, 4) || ',' || "
                          "round(ST_X(location::geometry)::numeric, 4) || ',' || heading_deg FROM "
                          "deliveries.driver_positions WHERE driver_id = '" + driver.user_id + "'";
  const bool written = eventually_blocking([&] { return db_->column(sql).size() == 1 && db_->value(sql) == "43.6050,1.4450,90"; }, 10s);
  EXPECT_TRUE(written) << "last written: " << (db_->column(sql).empty() ? "nothing" : db_->value(sql));
  EXPECT_EQ(db_->value("SELECT recorded_at = '" + when + "'::timestamptz FROM deliveries.driver_positions WHERE "
                       "driver_id = '" + driver.user_id + "'"),
            "t");
}

// --- a restart: what is pending is written at shutdown, and online drivers come back ---

TEST(DriversRestartE2E, PendingPositionsAreWrittenAtShutdownAndSeedTheNextStart) {
  TestDatabase db;
  // A flush interval far longer than the test: only the shutdown writes.
  const std::map<std::string, std::string> env{{"DATABASE_URL", db.conninfo()},
                                               {"NELO_DELIVERIES_POSITION_FLUSH_MS", "3600000"}};
  auto first = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, env);
  first->start();
  HttpClient c("127.0.0.1", first->port(), 15s);
  auto admin = make_admin(c, db);
  auto driver = register_with_role(c, admin, unique_email("restart-driver"), "driver");
  auto json_headers = [](const TestAccount& a) { return Headers{bearer(a.access_token), {"Content-Type", "application/json"}}; };
  ASSERT_EQ(c.request("PUT", kMe, R"({"vehicle": "car"})", json_headers(driver)).status, 201);
  ASSERT_EQ(c.request("POST", std::string(kMe) + "/online", {}, {bearer(driver.access_token)}).status, 200);
  ASSERT_EQ(c.request("PUT", kLocation, json::serialize(ping(43.7102, 7.2620, at())), json_headers(driver)).status, 200);
  EXPECT_EQ(db.value("SELECT count(*) FROM deliveries.driver_positions"), "0") << "nothing written before the interval";
  c.close();
  EXPECT_EQ(first->stop(), 0) << first->output();
  EXPECT_EQ(db.value("SELECT count(*) FROM deliveries.driver_positions WHERE driver_id = '" + driver.user_id + "'"), "1")
      << "the pending position is written at shutdown";

  NeloProcess second({"serve"}, env);
  second.start();
  HttpClient c2("127.0.0.1", second.port(), 15s);
  relogin(c2, admin);
  auto r = c2.get(nearby_path(43.7102, 7.2620), {bearer(admin.access_token)});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(find_driver(r, driver.user_id).is_null()) << "an online driver's fresh position is back after a restart: " << r.body;
}

}  // namespace
}  // namespace nelo::test
