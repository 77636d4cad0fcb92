#pragma once
// A city for black-box tests of the order-to-door flow on the real `nelo` binary: one server and
// its database, accounts of each role, drivers online at a point, a shop with a product, orders
// placed (cash or card) and accepted, and the driver's side of a delivery; a second server on the
// same database and Redis on demand. Used by the dispatch, payments and real-time e2e suites.

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
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/shop_body.hpp"
#include "support/test_database.hpp"

namespace nelo::test {

inline constexpr const char* kDriverMe = "/api/v1/deliveries/drivers/me";
inline constexpr const char* kOffers = "/api/v1/deliveries/offers";
inline constexpr double kMetresPerDegree = 111'195.0;

inline std::string now_text() {
  return to_rfc3339(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
}

// One server (and its database) for a suite; a test's city is its own place on the map, so that
// the drivers of one test are never offered another's deliveries.
class DispatchWorld {
 public:
  explicit DispatchWorld(std::map<std::string, std::string> env) {
    db_ = std::make_unique<TestDatabase>();
    env["DATABASE_URL"] = db_->conninfo();
    env["NELO_OUTBOX_POLL_INTERVAL_MS"] = "100";
    env["NELO_DELIVERIES_POSITION_FLUSH_MS"] = "100";
    env["NELO_DELIVERIES_DISPATCH_SWEEP_MS"] = "100";
    env_ = env;
    restart();
  }

  void restart(bool crash = false) {
    if (server_) {
      if (crash) server_->kill();
      else server_->stop();
    }
    server_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, env_);
    server_->start();
  }

  // A second `nelo serve` on the same database (and the same REDIS_URL, if any), started after the
  // first so that the migrations are done; reached through send_via(1, ...).
  void start_second() {
    second_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, env_);
    second_->start();
  }

  TestDatabase& database() { return *db_; }
  const NeloProcess& process(int server = 0) const { return server == 1 && second_ ? *second_ : *server_; }
  std::string output() const { return server_->output() + (second_ ? second_->output() : std::string()); }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), std::chrono::seconds(15)); }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}, Headers extra = {}) {
    return send_via(0, method, target, who, body, std::move(extra));
  }

  // Through the first server (0) or the second (1).
  HttpResponse send_via(int server, const std::string& method, const std::string& target, const TestAccount* who,
                        const std::string& body = {}, Headers extra = {}) {
    Headers headers = std::move(extra);
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    const NeloProcess& process = server == 1 && second_ ? *second_ : *server_;
    return HttpClient("127.0.0.1", process.port(), std::chrono::seconds(15)).request(method, target, body, headers);
  }

  const TestAccount& admin() {
    if (!admin_) {
      auto c = client();
      admin_ = std::make_unique<TestAccount>(make_admin(c, *db_));
    }
    return *admin_;
  }

  TestAccount account(const std::string& role) {
    auto c = client();
    const auto email = unique_email("dispatch-" + role);
    if (role == "customer") return register_and_login(c, email);
    if (!admin_) admin_ = std::make_unique<TestAccount>(make_admin(c, *db_));
    return register_with_role(c, *admin_, email, role);
  }

  // A driver with a profile at `metres_north` of `lat`,`lng`, online unless said otherwise.
  TestAccount driver(double lat, double lng, double metres_north, bool online = true) {
    TestAccount d = account("driver");
    EXPECT_EQ(send("PUT", kDriverMe, &d, R"({"vehicle": "scooter"})").status, 201);
    if (!online) return d;
    EXPECT_EQ(send("POST", std::string(kDriverMe) + "/online", &d).status, 200);
    boost::json::object ping{{"lat", lat + metres_north / kMetresPerDegree}, {"lng", lng}, {"recorded_at", now_text()}};
    auto r = send("PUT", std::string(kDriverMe) + "/location", &d, boost::json::serialize(ping));
    EXPECT_LT(r.status, 300) << r.body;
    return d;
  }

  // A merchant's shop at lat,lng with one product, and a customer ~500 m south with an accepted
  // order from it; returns the order id.
  struct Order {
    TestAccount owner;
    TestAccount customer;
    std::string id;
  };
  Order accepted_order(double lat, double lng) {
    Order o = placed_order(lat, lng, boost::json::object{{"method", "cash"}});
    EXPECT_EQ(send("POST", "/api/v1/orders/" + o.id + "/accept", &o.owner).status, 200);
    return o;
  }
  // The same order, not accepted yet, paid by `payment` ({"method": "card", "token": ...} or cash):
  // a card order is pending_payment until its payment is authorized.
  Order placed_order(double lat, double lng,
                     const boost::json::object& payment = boost::json::object{{"method", "cash"}}) {
    Order o;
    o.owner = account("merchant");
    boost::json::object shop = shop_body("Dispatch " + o.owner.email, {.min_order_cents = 500});
    shop["lat"] = lat;
    shop["lng"] = lng;
    auto m = send("POST", "/api/v1/catalog/merchants", &o.owner, boost::json::serialize(shop));
    EXPECT_EQ(m.status, 201) << m.body;
    const std::string merchant(m.json().at("id").as_string());
    boost::json::object product{{"name", "Margherita"},
                                {"price", boost::json::object{{"amount", 950}, {"currency", "EUR"}}}};
    auto p = send("POST", "/api/v1/catalog/merchants/" + merchant + "/products", &o.owner,
                  boost::json::serialize(product));
    EXPECT_EQ(p.status, 201) << p.body;
    const std::string product_id(p.json().at("id").as_string());
    o.customer = account("customer");
    boost::json::object address{{"label", "Home"}, {"line1", "1 rue Test"}, {"city", "Paris"},
                                {"postal_code", "75004"}, {"country", "FR"}, {"lat", lat - 500 / kMetresPerDegree},
                                {"lng", lng}};
    std::string address_id;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (address_id.empty() && std::chrono::steady_clock::now() < deadline) {
      auto a = send("POST", "/api/v1/users/me/addresses", &o.customer, boost::json::serialize(address));
      if (a.status == 201) address_id = std::string(a.json().at("id").as_string());
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    boost::json::object order{{"merchant_id", merchant},
                              {"items", boost::json::array{boost::json::object{{"product_id", product_id}, {"quantity", 1}}}},
                              {"address_id", address_id},
                              {"payment", payment}};
    auto placed = send("POST", "/api/v1/orders", &o.customer, boost::json::serialize(order),
                       {{"Idempotency-Key", unique_email("k")}});
    EXPECT_EQ(placed.status, 201) << placed.body;
    o.id = placed.status == 201 ? std::string(placed.json().at("id").as_string()) : std::string();
    return o;
  }
  // The merchant prepares the order and has it ready for the driver.
  void ready(const Order& o) {
    EXPECT_EQ(send("POST", "/api/v1/orders/" + o.id + "/preparing", &o.owner).status, 200);
    EXPECT_EQ(send("POST", "/api/v1/orders/" + o.id + "/ready", &o.owner).status, 200);
  }

  // The order as its customer sees it, once its status is `status` (or after `timeout`).
  boost::json::value order_once(const Order& o, const std::string& status, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto r = send("GET", "/api/v1/orders/" + o.id, &o.customer);
      EXPECT_EQ(r.status, 200) << r.body;
      boost::json::value order = r.json();
      if (order.at("status").as_string() == status || std::chrono::steady_clock::now() >= deadline) return order;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // `driver` takes the order's delivery from its offer; returns the delivery's id.
  std::string take(const TestAccount& driver) {
    const boost::json::array open = offers(driver);
    if (open.size() != 1) {
      ADD_FAILURE() << "expected one offer, got " << open.size();
      return {};
    }
    auto r = send("POST", std::string(kOffers) + "/" + std::string(open[0].at("id").as_string()) + "/accept", &driver);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(r.json().at("id").as_string()) : std::string();
  }

  // The driver's open offers, waiting up to `timeout` for at least `at_least` of them.
  boost::json::array offers(const TestAccount& driver, std::size_t at_least = 1, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto r = send("GET", kOffers, &driver);
      EXPECT_EQ(r.status, 200) << r.body;
      boost::json::array items = r.json().at("items").as_array();
      if (items.size() >= at_least || std::chrono::steady_clock::now() >= deadline) return items;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

 private:
  std::map<std::string, std::string> env_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<NeloProcess> server_;
  std::unique_ptr<NeloProcess> second_;
  std::unique_ptr<TestAccount> admin_;
};

inline std::string delivery_path(const std::string& id, const std::string& step = {}) {
  return "/api/v1/deliveries/" + id + (step.empty() ? "" : "/" + step);
}

}  // namespace nelo::test
