// Black-box tests of dispatch on the real `nelo` binary and PostgreSQL: a merchant accepts an
// order, the nearest of several online drivers gets the offer, declines, the next one gets it and
// accepts, and the order shows its driver; another driver's offer is a 404 and a customer's call a
// 403. Then an offer's deadline across a server restart: kept in the database, it still expires
// and the delivery moves to the next driver. The admins' list; two processes sharing the drivers'
// positions through a real Redis.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <gmock/gmock.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "support/auth_client.hpp"
#include "support/dispatch_world.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/shop_body.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(DeliveriesDispatchE2E, NearestDriverDeclinesTheNextAcceptsAndTheOrderShowsThem) {
  DispatchWorld w(std::map<std::string, std::string>{});
  const double lat = 48.80, lng = 2.30;
  const TestAccount offline = w.driver(lat, lng, 100, false);
  const TestAccount near = w.driver(lat, lng, 300);
  const TestAccount next = w.driver(lat, lng, 700);
  const auto order = w.accepted_order(lat, lng);

  const json::array first = w.offers(near);
  ASSERT_EQ(first.size(), 1u) << "the nearest online driver is offered the delivery";
  EXPECT_TRUE(w.offers(next, 1, 500ms).empty()) << "one at a time";
  EXPECT_TRUE(w.offers(offline, 1, 200ms).empty());
  const std::string offer(first[0].at("id").as_string());
  EXPECT_EQ(first[0].at("pickup").at("name").as_string().size() > 0, true);
  EXPECT_GE(first[0].at("distance_m").as_int64(), 250);

  // Not theirs: 404; not a driver: 403.
  expect_problem(w.send("POST", std::string(kOffers) + "/" + offer + "/accept", &next), 404);
  expect_problem(w.send("POST", std::string(kOffers) + "/" + offer + "/accept", &order.customer), 403);
  expect_problem(w.send("GET", kOffers, &order.customer), 403);

  ASSERT_EQ(w.send("POST", std::string(kOffers) + "/" + offer + "/decline", &near).status, 204);
  expect_problem(w.send("POST", std::string(kOffers) + "/" + offer + "/accept", &near), 409);
  const json::array second = w.offers(next);
  ASSERT_EQ(second.size(), 1u) << "the next driver after a decline";
  const std::string taken(second[0].at("id").as_string());
  auto accepted = w.send("POST", std::string(kOffers) + "/" + taken + "/accept", &next);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json().at("status").as_string(), "assigned");
  EXPECT_EQ(accepted.json().at("driver_id").as_string(), next.user_id);
  EXPECT_FALSE(accepted.json().as_object().contains("pin")) << "the driver asks the customer for it";
  expect_problem(w.send("POST", std::string(kOffers) + "/" + taken + "/accept", &next), 409);

  auto details = w.send("GET", "/api/v1/orders/" + order.id, &order.customer);
  ASSERT_EQ(details.status, 200) << details.body;
  const json::value delivery = details.json().at("delivery");
  EXPECT_EQ(delivery.at("status").as_string(), "assigned");
  EXPECT_EQ(delivery.at("driver").at("id").as_string(), next.user_id);
  EXPECT_EQ(delivery.at("pin").as_string().size(), 4u);

  // Holding a delivery, the driver cannot go offline.
  expect_problem(w.send("POST", std::string(kDriverMe) + "/offline", &next), 409);
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

TEST(DeliveriesDispatchE2E, AnOfferDeadlineSurvivesARestart) {
  DispatchWorld w(std::map<std::string, std::string>{{"NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS", "3"}});
  const double lat = 48.70, lng = 2.40;
  const TestAccount near = w.driver(lat, lng, 200);
  const TestAccount next = w.driver(lat, lng, 600);
  w.accepted_order(lat, lng);
  ASSERT_EQ(w.offers(near).size(), 1u);
  std::this_thread::sleep_for(300ms);  // the positions reach the database (write-behind)
  w.restart(/*crash=*/true);
  // Nothing in the new process remembers a timer: the deadline is a row.
  const json::array moved = w.offers(next, 1, 20s);
  ASSERT_EQ(moved.size(), 1u) << "the offer expired while the server was down, and the next driver has it";
  EXPECT_TRUE(w.offers(near, 1, 200ms).empty());
}


TEST(DeliveriesDispatchE2E, TheDriverDeliversWithThePinAndOnlyTheDeliverysPartiesSeeIt) {
  using ::testing::Contains;
  DispatchWorld w(std::map<std::string, std::string>{});
  const double lat = 48.60, lng = 2.50;
  const TestAccount driver = w.driver(lat, lng, 300);
  const auto order = w.accepted_order(lat, lng);
  const std::string id = w.take(driver);
  ASSERT_FALSE(id.empty());
  const TestAccount other_driver = w.driver(lat, lng, 900, /*online=*/false);
  const TestAccount other_customer = w.account("customer");
  const TestAccount other_merchant = w.account("merchant");

  // The customer reads the PIN in the order's details, and the delivery (with the PIN) itself.
  json::value details = w.order_once(order, "accepted");
  const std::string pin(details.at("delivery").at("pin").as_string());
  ASSERT_EQ(pin.size(), 4u);
  auto seen = w.send("GET", delivery_path(id), &order.customer);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json().at("status").as_string(), "assigned");
  EXPECT_EQ(seen.json().at("pin").as_string(), pin);
  EXPECT_EQ(seen.json().at("driver").at("id").as_string(), driver.user_id);
  // The merchant: the status and the driver, never the PIN nor the position.
  seen = w.send("GET", delivery_path(id), &order.owner);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_FALSE(seen.json().as_object().contains("pin"));
  auto tracked = w.send("GET", delivery_path(id, "tracking"), &order.owner);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_TRUE(tracked.json().at("position").is_null()) << tracked.body;
  // The driver: the whole delivery, without the PIN.
  seen = w.send("GET", delivery_path(id), &driver);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_FALSE(seen.json().as_object().contains("pin"));
  EXPECT_TRUE(seen.json().at("dropoff").as_object().contains("customer_first_name")) << seen.body;
  // The customer sees the driver's position while the driver holds the delivery.
  tracked = w.send("GET", delivery_path(id, "tracking"), &order.customer);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  ASSERT_TRUE(tracked.json().at("position").is_object()) << tracked.body;
  EXPECT_NEAR(tracked.json().at("position").at("lat").to_number<double>(), lat + 300 / kMetresPerDegree, 1e-5);
  EXPECT_EQ(tracked.json().at("status").as_string(), "assigned");

  // Strangers to the delivery: as if it did not exist (a role the route does not admit: 403).
  for (const TestAccount* stranger : {&other_driver, &other_customer, &other_merchant}) {
    expect_problem(w.send("GET", delivery_path(id), stranger), 404);
    expect_problem(w.send("GET", delivery_path(id, "tracking"), stranger), 404);
  }
  for (const char* step : {"arrived-pickup", "picked-up", "arrived-dropoff"}) {
    expect_problem(w.send("POST", delivery_path(id, step), &other_driver), 404);
    expect_problem(w.send("POST", delivery_path(id, step), &order.customer), 403);
    expect_problem(w.send("POST", delivery_path(id, step), &other_merchant), 403);
  }
  expect_problem(w.send("POST", delivery_path(id, "delivered"), &other_driver, R"({"pin": ")" + pin + R"("})"), 404);
  expect_problem(w.send("POST", delivery_path(id, "failed"), &other_driver, R"({"reason": "mine now"})"), 404);
  expect_problem(w.send("GET", delivery_path(new_uuid()), nullptr), 401);

  // Steps out of order are 409s; bad bodies 422s naming their fields.
  expect_problem(w.send("POST", delivery_path(id, "picked-up"), &driver), 409);
  auto bad = w.send("POST", delivery_path(id, "failed"), &driver, R"({"reason": "   ", "why": 1})");
  expect_problem(bad, 422);
  EXPECT_THAT(error_fields(bad), Contains("reason"));
  EXPECT_THAT(error_fields(bad), Contains("why"));
  bad = w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": 1234})");
  expect_problem(bad, 422);
  EXPECT_THAT(error_fields(bad), Contains("pin"));

  auto r = w.send("POST", delivery_path(id, "arrived-pickup"), &driver);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "at_pickup");
  w.ready(order);
  r = w.send("POST", delivery_path(id, "picked-up"), &driver);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "picked_up");
  EXPECT_EQ(w.order_once(order, "picked_up").at("status").as_string(), "picked_up");
  r = w.send("POST", delivery_path(id, "arrived-dropoff"), &driver);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "at_dropoff");
  bad = w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": "12a4"})");
  expect_problem(bad, 422);
  EXPECT_THAT(error_fields(bad), Contains("pin"));

  r = w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": ")" + pin + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "delivered");
  EXPECT_FALSE(r.json().at("delivered_at").is_null());
  EXPECT_EQ(w.order_once(order, "delivered").at("status").as_string(), "delivered");
  expect_problem(w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": ")" + pin + R"("})"), 409);

  // Delivered: the customer no longer sees where the driver is.
  tracked = w.send("GET", delivery_path(id, "tracking"), &order.customer);
  ASSERT_EQ(tracked.status, 200) << tracked.body;
  EXPECT_EQ(tracked.json().at("status").as_string(), "delivered");
  EXPECT_TRUE(tracked.json().at("position").is_null()) << tracked.body;
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

TEST(DeliveriesDispatchE2E, WrongPinsLockTheHandOverUntilAnAdminConfirmsIt) {
  using ::testing::Contains;
  DispatchWorld w(std::map<std::string, std::string>{{"NELO_DELIVERIES_PIN_MAX_ATTEMPTS", "3"}});
  const double lat = 48.50, lng = 2.60;
  const TestAccount driver = w.driver(lat, lng, 200);
  const auto order = w.accepted_order(lat, lng);
  const std::string id = w.take(driver);
  ASSERT_FALSE(id.empty());
  const std::string pin(w.order_once(order, "accepted").at("delivery").at("pin").as_string());
  const std::string wrong = pin == "0000" ? "1111" : "0000";
  w.ready(order);
  for (const char* step : {"arrived-pickup", "picked-up", "arrived-dropoff"}) {
    auto r = w.send("POST", delivery_path(id, step), &driver);
    ASSERT_EQ(r.status, 200) << step << ": " << r.body;
  }

  const std::string wrong_body = R"({"pin": ")" + wrong + R"("})";
  for (int i = 0; i < 2; ++i) {
    auto r = w.send("POST", delivery_path(id, "delivered"), &driver, wrong_body);
    expect_problem(r, 422);
    EXPECT_THAT(error_fields(r), Contains("pin"));
  }
  auto locked = w.send("POST", delivery_path(id, "delivered"), &driver, wrong_body);
  expect_problem(locked, 409);
  EXPECT_NE(locked.body.find("pin-locked"), std::string::npos) << locked.body;
  // Locked: even the right PIN is refused now.
  locked = w.send("POST", delivery_path(id, "delivered"), &driver, R"({"pin": ")" + pin + R"("})");
  expect_problem(locked, 409);
  EXPECT_EQ(w.send("GET", delivery_path(id), &driver).json().at("status").as_string(), "at_dropoff");

  // An admin confirms it, with a reason (required).
  auto no_reason = w.send("POST", delivery_path(id, "delivered"), &w.admin(), "{}");
  expect_problem(no_reason, 422);
  EXPECT_THAT(error_fields(no_reason), Contains("reason"));
  auto r = w.send("POST", delivery_path(id, "delivered"), &w.admin(), R"({"reason": "Customer showed their ID"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "delivered");
  EXPECT_EQ(w.order_once(order, "delivered").at("status").as_string(), "delivered");
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

// The admins' list: active deliveries newest first, page by page; a state or a driver narrows it;
// anyone else is refused, and a bad query is a 422 naming the parameter.
TEST(DeliveriesDispatchE2E, AdminsListActiveDeliveriesPageByPage) {
  using ::testing::Contains;
  DispatchWorld w(std::map<std::string, std::string>{});
  const double lat = 48.40, lng = 2.70;  // nobody drives here: the deliveries wait, pending
  const auto first = w.accepted_order(lat, lng);
  const auto second = w.accepted_order(lat, lng);
  const auto third = w.accepted_order(lat, lng);
  const std::string list = "/api/v1/deliveries";
  const auto order_ids = [](const HttpResponse& r) {
    std::vector<std::string> ids;
    const json::value body = r.json();
    for (const auto& item : body.at("items").as_array()) ids.emplace_back(item.at("order_id").as_string());
    return ids;
  };
  // The deliveries appear once order.accepted reached the module.
  HttpResponse all;
  eventually_blocking([&] {
    all = w.send("GET", list, &w.admin());
    return all.status == 200 && order_ids(all).size() >= 3;
  }, 15s);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(order_ids(all), (std::vector<std::string>{third.id, second.id, first.id})) << "newest first";
  EXPECT_TRUE(all.json().at("next_cursor").is_null());
  const json::value listed = all.json();
  const json::value& item = listed.at("items").at(0);
  EXPECT_EQ(item.at("status").as_string(), "pending");
  EXPECT_FALSE(item.as_object().contains("pin")) << "the PIN is the customer's";

  // Page by page.
  auto page = w.send("GET", list + "?limit=2", &w.admin());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(order_ids(page), (std::vector<std::string>{third.id, second.id}));
  const std::string cursor(page.json().at("next_cursor").as_string());
  page = w.send("GET", list + "?limit=2&cursor=" + cursor, &w.admin());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(order_ids(page), (std::vector<std::string>{first.id}));
  EXPECT_TRUE(page.json().at("next_cursor").is_null());

  // A cancelled one leaves the active list and is found by its state.
  ASSERT_EQ(w.send("POST", "/api/v1/orders/" + second.id + "/cancel", &w.admin(), R"({"reason": "test"})").status, 200);
  eventually_blocking([&] {
    all = w.send("GET", list, &w.admin());
    return order_ids(all).size() == 2;
  }, 15s);
  EXPECT_EQ(order_ids(all), (std::vector<std::string>{third.id, first.id}));
  EXPECT_EQ(order_ids(w.send("GET", list + "?status=cancelled", &w.admin())), (std::vector<std::string>{second.id}));
  EXPECT_EQ(order_ids(w.send("GET", list + "?status=pending", &w.admin())).size(), 2u);
  EXPECT_TRUE(order_ids(w.send("GET", list + "?status=delivered", &w.admin())).empty());
  EXPECT_TRUE(order_ids(w.send("GET", list + "?driver_id=" + first.customer.user_id, &w.admin())).empty());

  // Only admins; a bad query names its parameter.
  expect_problem(w.send("GET", list, &first.customer), 403);
  expect_problem(w.send("GET", list, &first.owner), 403);
  const TestAccount driver = w.account("driver");
  expect_problem(w.send("GET", list, &driver), 403);
  expect_problem(w.send("GET", list, nullptr), 401);
  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"?status=lost", "status"}, {"?driver_id=nobody", "driver_id"}, {"?limit=0", "limit"},
           {"?cursor=bm90LWEtY3Vyc29y", "cursor"}}) {
    auto bad = w.send("GET", list + query, &w.admin());
    expect_problem(bad, 422);
    EXPECT_THAT(error_fields(bad), Contains(field)) << query;
  }
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

// Two nelo processes on one database and one Redis (REDIS_URL): a driver pings the first; the
// second finds them near a merchant, takes their answer to the offer, and shows their next
// position to the customer tracking through it. With the in-process store, the second process
// would know nobody.
TEST(DeliveriesDispatchE2E, TwoProcessesShareTheDriversPositionsThroughRedis) {
  const char* redis = std::getenv("NELO_TEST_REDIS_URL");
  if (!redis || !*redis) GTEST_SKIP() << "NELO_TEST_REDIS_URL is not set (./scripts/test starts a redis-server)";
  DispatchWorld w(std::map<std::string, std::string>{
      {"REDIS_URL", redis}, {"NELO_REDIS_KEY_PREFIX", "two-processes-" + new_uuid()}});
  w.start_second();
  const double lat = 48.30, lng = 2.80;
  const TestAccount driver = w.driver(lat, lng, 250);  // pinged to the first process

  // The second process finds the driver in the shared index.
  const std::string nearby = "/api/v1/deliveries/drivers/nearby?lat=" + std::to_string(lat) +
                             "&lng=" + std::to_string(lng) + "&radius_m=1000";
  HttpResponse found;
  EXPECT_TRUE(eventually_blocking([&] {
    found = w.send_via(1, "GET", nearby, &w.admin());
    return found.status == 200 && found.body.find(driver.user_id) != std::string::npos;
  }, 10s)) << found.status << " " << found.body;

  // Either process's dispatcher offers them the delivery; they accept through the second.
  auto order = w.accepted_order(lat, lng);
  const json::array offers = w.offers(driver);
  ASSERT_EQ(offers.size(), 1u) << "the dispatcher found the driver";
  const std::string offer(offers[0].at("id").as_string());
  auto accepted = w.send_via(1, "POST", std::string(kOffers) + "/" + offer + "/accept", &driver);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const std::string delivery(accepted.json().at("id").as_string());

  // The driver moves (a ping to the first process); the customer tracks through the second.
  const double moved_lat = lat + 100 / kMetresPerDegree;
  json::object ping{{"lat", moved_lat}, {"lng", lng}, {"heading", 180}, {"recorded_at", now_text()}};
  ASSERT_LT(w.send("PUT", std::string(kDriverMe) + "/location", &driver, json::serialize(ping)).status, 300);
  HttpResponse tracking;
  EXPECT_TRUE(eventually_blocking([&] {
    tracking = w.send_via(1, "GET", "/api/v1/deliveries/" + delivery + "/tracking", &order.customer);
    if (tracking.status != 200) return false;
    const json::value position = tracking.json().at("position");
    return position.is_object() && std::abs(position.at("lat").to_number<double>() - moved_lat) < 1e-6;
  }, 10s)) << tracking.status << " " << tracking.body;
  EXPECT_EQ(w.output().find("unhandled"), std::string::npos) << w.output();
}

}  // namespace
}  // namespace nelo::test
