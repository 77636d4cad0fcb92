// Black-box tests of the orders API on the real `nelo` binary, a real PostgreSQL + PostGIS, and
// the real auth, users and catalog modules: a merchant sets up a menu, a customer quotes and
// places a cash order, the merchant takes it to ready_for_pickup. Around that path: every illegal
// transition (409), every validation rule (422 naming its field), price tampering, idempotent
// replays, other users' orders (404) and wrong roles (403).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/shop_body.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::Contains;

constexpr const char* kOrders = "/api/v1/orders";
constexpr const char* kMerchants = "/api/v1/catalog/merchants";

// A merchant near the Hôtel de Ville that delivers within 3 km, with a minimum order of 15 EUR.

struct Shop {
  TestAccount owner;
  std::string id;
  std::string pizza;     // 950
  std::string salad;     // 720
  std::string sold_out;  // available: false
};

struct Customer {
  TestAccount account;
  std::string home;  // ~1.2 km from the shop
  std::string far;   // ~10 km away
};

class OrdersE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}, {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    // Client mistakes are 4xx: nothing this suite sends may end in a 500.
    const std::string log = server_->output();
    EXPECT_EQ(log.find("unhandled"), std::string::npos) << log;
    delete approver_;
    approver_ = nullptr;
    delete server_;
    delete db_;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 15s); }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}, Headers extra = {}) {
    Headers headers = std::move(extra);
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client().request(method, target, body, headers);
  }

  HttpResponse post_order(const TestAccount& who, const std::string& body, const std::string& key) {
    return send("POST", kOrders, &who, body, {{"Idempotency-Key", key}});
  }

  // Merchants and drivers get their role as in production: applied for, approved by an admin.
  TestAccount account(std::string_view role) {
    auto c = client();
    auto email = unique_email(std::string("orders-") + std::string(role));
    if (role == "customer") return register_and_login(c, email);
    if (!approver_) approver_ = new TestAccount(make_admin(c, *db_));
    return register_with_role(c, *approver_, email, role);
  }

  // --- a merchant and its menu, through the catalog API ---

  static std::string merchant_body(const std::string& name, bool open) {
    return json::serialize(shop_body(name, {.open = open}));
  }

  std::string add_product(const TestAccount& owner, const std::string& merchant, const std::string& name,
                          std::int64_t cents, bool available = true) {
    json::object body{{"name", name},
                      {"price", json::object{{"amount", cents}, {"currency", "EUR"}}},
                      {"available", available},
                      {"category", "Plats"}};
    auto r = send("POST", std::string(kMerchants) + "/" + merchant + "/products", &owner, json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  Shop open_shop(const std::string& name, bool open = true) {
    Shop shop;
    shop.owner = account("merchant");
    auto r = send("POST", kMerchants, &shop.owner, merchant_body(name, open));
    EXPECT_EQ(r.status, 201) << r.body;
    shop.id = std::string(r.json().at("id").as_string());
    shop.pizza = add_product(shop.owner, shop.id, "Margherita", 950);
    shop.salad = add_product(shop.owner, shop.id, "Salade niçoise", 720);
    shop.sold_out = add_product(shop.owner, shop.id, "Tiramisu", 450, false);
    return shop;
  }

  // --- a customer with addresses, through the users API ---

  std::string add_address(const TestAccount& who, const std::string& label, double lat, double lng) {
    json::object body{{"label", label}, {"line1", "10 rue de Rivoli"}, {"city", "Paris"}, {"postal_code", "75004"},
                      {"country", "FR"},    {"lat", lat},                   {"lng", lng}};
    // The profile is created from the user.registered event, just after registration.
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (true) {
      auto r = send("POST", "/api/v1/users/me/addresses", &who, json::serialize(body));
      if (r.status == 201) return std::string(r.json().at("id").as_string());
      EXPECT_EQ(r.status, 404) << r.body;
      if (r.status != 404 || std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no profile for " << who.email;
        return {};
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  Customer customer() {
    Customer c;
    c.account = account("customer");
    c.home = add_address(c.account, "Home", 48.8606, 2.3376);
    c.far = add_address(c.account, "Far", 48.9200, 2.2500);
    return c;
  }

  static json::object order_body(const Shop& shop, const std::string& address, int pizzas = 2, int salads = 1) {
    return json::object{{"merchant_id", shop.id},
                        {"items", json::array{json::object{{"product_id", shop.pizza}, {"quantity", pizzas}},
                                              json::object{{"product_id", shop.salad}, {"quantity", salads}}}},
                        {"address_id", address},
                        {"payment", json::object{{"method", "cash"}}},
                        {"notes", "Ring twice"}};
  }

  std::string place_cash(const Customer& c, const Shop& shop) {
    auto r = post_order(c.account, json::serialize(order_body(shop, c.home)), new_key());
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  static std::string new_key() {
    static int counter = 0;
    return "e2e-key-" + std::to_string(++counter) + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  std::string row(const std::string& sql) { return db_->value(sql); }
  // The suite shares one server: count what belongs to this test's customer.
  std::string orders_of(const TestAccount& who) {
    return row("SELECT count(*) FROM orders.orders WHERE customer_id = '" + who.user_id + "'");
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static TestAccount* approver_;  // the admin who approves role applications
};
TestDatabase* OrdersE2E::db_ = nullptr;
NeloProcess* OrdersE2E::server_ = nullptr;
TestAccount* OrdersE2E::approver_ = nullptr;

// --- the path ---

TEST_F(OrdersE2E, QuotePlaceAcceptPrepareAndReadyACashOrder) {
  const Shop shop = open_shop("Chez Nelo");
  const Customer me = customer();
  const std::string body = json::serialize(order_body(shop, me.home));

  auto quote = send("POST", std::string(kOrders) + "/quote", &me.account, body);
  ASSERT_EQ(quote.status, 200) << quote.body;
  const json::value q = quote.json();
  // 2 x 950 + 720 = 2620; ~1.2 km -> 199; 5 % -> 131.
  EXPECT_EQ(q.at("pricing").at("subtotal").at("amount").as_int64(), 2620);
  EXPECT_EQ(q.at("pricing").at("delivery_fee").at("amount").as_int64(), 199);
  EXPECT_EQ(q.at("pricing").at("service_fee").at("amount").as_int64(), 131);
  EXPECT_EQ(q.at("pricing").at("total").at("amount").as_int64(), 2950);
  EXPECT_EQ(orders_of(me.account), "0") << "a quote creates nothing";

  const std::string key = new_key();
  auto placed = post_order(me.account, body, key);
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_FALSE(placed.header("idempotent-replayed").has_value());
  const json::value order = placed.json();
  const std::string id(order.at("id").as_string());
  EXPECT_EQ(order.at("status").as_string(), "placed");
  EXPECT_EQ(order.at("customer_id").as_string(), me.account.user_id);
  EXPECT_EQ(order.at("pricing"), q.at("pricing")) << "the order costs what the quote said";
  EXPECT_EQ(order.at("items").at(0).at("name").as_string(), "Margherita");
  EXPECT_EQ(order.at("delivery_address").at("address_id").as_string(), me.home);
  EXPECT_EQ(order.at("merchant_snapshot").at("name").as_string(), "Chez Nelo");

  // A retry with the same key: the same response, byte for byte, and no second order.
  auto replay = post_order(me.account, body, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, placed.body);
  EXPECT_EQ(replay.header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(orders_of(me.account), "1");

  // The merchant sees it in their list and moves it along.
  auto listed = send("GET", kOrders, &shop.owner);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.json().at("items").at(0).at("id").as_string(), id);
  const std::string one = std::string(kOrders) + "/" + id;
  auto accepted = send("POST", one + "/accept", &shop.owner);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json().at("status").as_string(), "accepted");
  EXPECT_EQ(send("POST", one + "/preparing", &shop.owner).json().at("status").as_string(), "preparing");
  auto ready = send("POST", one + "/ready", &shop.owner);
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("status").as_string(), "ready_for_pickup");

  // The customer reads it, composed with the live merchant, the history and the delivery that
  // order.accepted created (through the bus: it may take a moment).
  json::value details;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  do {
    auto read = send("GET", one, &me.account);
    ASSERT_EQ(read.status, 200) << read.body;
    details = read.json();
    if (!details.at("delivery").is_null()) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(details.at("status").as_string(), "ready_for_pickup");
  EXPECT_EQ(details.at("history").as_array().size(), 5u);
  EXPECT_EQ(details.at("merchant").at("id").as_string(), shop.id);
  EXPECT_TRUE(details.at("merchant").at("open").as_bool());
  EXPECT_EQ(details.at("customer").at("id").as_string(), me.account.user_id);
  ASSERT_TRUE(details.at("delivery").is_object()) << details;
  EXPECT_EQ(details.at("delivery").at("status").as_string(), "pending");
  const std::string pin(details.at("delivery").at("pin").as_string());
  EXPECT_EQ(pin.size(), 4u);
  EXPECT_EQ(pin.find_first_not_of("0123456789"), std::string::npos) << pin;
  EXPECT_EQ(json::serialize(details.at("unavailable")), "[]");
  // The PIN is the customer's alone: the merchant reads the same delivery without it.
  auto merchants_view = send("GET", one, &shop.owner);
  ASSERT_EQ(merchants_view.status, 200) << merchants_view.body;
  EXPECT_EQ(merchants_view.json().at("delivery").at("status").as_string(), "pending");
  EXPECT_TRUE(merchants_view.json().at("delivery").at("pin").is_null());

  // Every event was published with its change.
  EXPECT_EQ(row("SELECT string_agg(name, ',' ORDER BY seq) FROM orders.outbox WHERE payload->>'order_id' = '" + id + "'"),
            "order.created,order.placed,order.accepted,order.preparing,order.ready_for_pickup");
}

TEST_F(OrdersE2E, AnIdempotencyKeyMakesRetryingAnActionAnswerItsFirstSuccess) {
  const Shop shop = open_shop("Flaky tablet");
  const Customer me = customer();
  const std::string one = std::string(kOrders) + "/" + place_cash(me, shop);

  // The tablet accepts, loses the answer, and retries with the same key: the first 200 again,
  // not a 409 for an order that is already accepted.
  auto accepted = send("POST", one + "/accept", &shop.owner, {}, {{"Idempotency-Key", "accept-1"}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto retried = send("POST", one + "/accept", &shop.owner, {}, {{"Idempotency-Key", "accept-1"}});
  EXPECT_EQ(retried.status, 200);
  EXPECT_EQ(retried.body, accepted.body);
  EXPECT_EQ(retried.header("idempotent-replayed").value_or(""), "true");
  // Without the key a second accept is the illegal transition it is; the key on another action is
  // a 422; the history holds one acceptance.
  expect_problem(send("POST", one + "/accept", &shop.owner), 409);
  auto reused = send("POST", one + "/preparing", &shop.owner, {}, {{"Idempotency-Key", "accept-1"}});
  expect_problem(reused, 422);
  EXPECT_EQ(reused.json().at("type").as_string(), "/problems/idempotency-key-reused");
  const json::value order = send("GET", one, &shop.owner).json();
  int acceptances = 0;
  for (const auto& entry : order.at("history").as_array()) {
    acceptances += entry.at("to").as_string() == "accepted";
  }
  EXPECT_EQ(acceptances, 1);

  // A refused action is not remembered: the same key is judged afresh.
  const Customer other = customer();
  const std::string two = std::string(kOrders) + "/" + place_cash(other, shop);
  ASSERT_EQ(send("POST", two + "/accept", &shop.owner).status, 200);
  expect_problem(send("POST", two + "/cancel", &other.account, {}, {{"Idempotency-Key", "cancel-1"}}), 409);
}

TEST_F(OrdersE2E, EveryIllegalTransitionIsA409NamingTheState) {
  const Shop shop = open_shop("Illegal");
  const Customer me = customer();
  const std::string id = place_cash(me, shop);
  const std::string one = std::string(kOrders) + "/" + id;
  const json::object reason{{"reason", "because"}};

  // placed: cannot be prepared or made ready yet.
  expect_problem(send("POST", one + "/preparing", &shop.owner), 409);
  expect_problem(send("POST", one + "/ready", &shop.owner), 409);
  ASSERT_EQ(send("POST", one + "/accept", &shop.owner).status, 200);
  // accepted: not again, no rejection, no customer cancellation.
  auto twice = send("POST", one + "/accept", &shop.owner);
  expect_problem(twice, 409);
  EXPECT_NE(twice.json().at("detail").as_string().find("'accepted'"), std::string::npos) << twice.body;
  expect_problem(send("POST", one + "/reject", &shop.owner, json::serialize(reason)), 409);
  expect_problem(send("POST", one + "/cancel", &me.account, json::serialize(reason)), 409);
  expect_problem(send("POST", one + "/ready", &shop.owner), 409);
  ASSERT_EQ(send("POST", one + "/preparing", &shop.owner).status, 200);
  expect_problem(send("POST", one + "/preparing", &shop.owner), 409);
  expect_problem(send("POST", one + "/accept", &shop.owner), 409);
  ASSERT_EQ(send("POST", one + "/ready", &shop.owner).status, 200);
  for (const char* action : {"/accept", "/preparing", "/ready"}) {
    expect_problem(send("POST", one + action, &shop.owner), 409);
  }
  expect_problem(send("POST", one + "/cancel", &me.account), 409);
  EXPECT_EQ(row("SELECT status FROM orders.orders WHERE id = '" + id + "'"), "ready_for_pickup");

  // A card order waits for its payment: the merchant cannot accept it; its customer may cancel.
  // (tok_3ds: the sandbox waits for the customer's confirmation, so the order stays unpaid.)
  json::object card = order_body(shop, me.home);
  card["payment"] = json::object{{"method", "card"}, {"token", "tok_3ds"}};
  auto pending = post_order(me.account, json::serialize(card), new_key());
  ASSERT_EQ(pending.status, 201) << pending.body;
  EXPECT_EQ(pending.json().at("status").as_string(), "pending_payment");
  const std::string unpaid = std::string(kOrders) + "/" + std::string(pending.json().at("id").as_string());
  expect_problem(send("POST", unpaid + "/accept", &shop.owner), 409);
  auto cancelled = send("POST", unpaid + "/cancel", &me.account, json::serialize(reason));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("status").as_string(), "cancelled");
  expect_problem(send("POST", unpaid + "/cancel", &me.account), 409);

  // The merchant rejects a placed order, with a reason (required).
  const std::string other = std::string(kOrders) + "/" + place_cash(me, shop);
  auto no_reason = send("POST", other + "/reject", &shop.owner, "{}");
  expect_problem(no_reason, 422);
  EXPECT_THAT(error_fields(no_reason), Contains("reason"));
  auto rejected = send("POST", other + "/reject", &shop.owner, R"({"reason": "Out of dough"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json().at("status").as_string(), "rejected");
}

// --- validation ---

TEST_F(OrdersE2E, EveryValidationRuleIsA422NamingItsField) {
  const Shop shop = open_shop("Strict");
  const Shop closed = open_shop("Closed", false);
  const Shop elsewhere = open_shop("Elsewhere");
  const Customer me = customer();
  const Customer other = customer();

  auto fields_for = [&](json::object body) {
    auto r = post_order(me.account, json::serialize(body), new_key());
    EXPECT_EQ(r.status, 422) << json::serialize(body) << "\n" << r.body;
    EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json");
    return error_fields(r);
  };
  auto expect_field = [&](json::object body, std::string_view field) {
    const auto fields = fields_for(std::move(body));
    EXPECT_THAT(fields, Contains(field));
  };

  json::object b = order_body(shop, me.home);
  b["merchant_id"] = "0190f5d2-7b1c-7a3e-9f00-000000000001";
  expect_field(b, "merchant_id");  // unknown merchant
  expect_field(order_body(closed, me.home), "merchant_id");  // closed now
  expect_field(order_body(shop, other.home), "address_id");  // another customer's address
  b = order_body(shop, me.home);
  b["address_id"] = "0190f5d2-7b1c-7a3e-9f00-000000000002";
  expect_field(b, "address_id");                           // unknown address
  expect_field(order_body(shop, me.far), "address_id");    // outside the 3 km radius

  b = order_body(shop, me.home);
  b["items"].as_array()[0].as_object()["product_id"] = "0190f5d2-7b1c-7a3e-9f00-000000000003";
  expect_field(b, "items[0].product_id");  // unknown product
  b = order_body(shop, me.home);
  b["items"].as_array()[1].as_object()["product_id"] = elsewhere.pizza;
  expect_field(b, "items[1].product_id");  // another merchant's product
  b = order_body(shop, me.home);
  b["items"].as_array()[1].as_object()["product_id"] = shop.sold_out;
  expect_field(b, "items[1].product_id");  // unavailable

  for (int bad : {0, 51, -3}) {
    b = order_body(shop, me.home);
    b["items"].as_array()[0].as_object()["quantity"] = bad;
    expect_field(b, "items[0].quantity");
  }
  b = order_body(shop, me.home);
  b["items"] = json::array{};
  expect_field(b, "items");  // empty
  json::array many;
  for (int i = 0; i < 51; ++i) many.push_back(json::object{{"product_id", shop.pizza}, {"quantity", 1}});
  b["items"] = many;
  expect_field(b, "items");  // more than 50 lines
  b = order_body(shop, me.home);
  b["items"].as_array()[1].as_object()["product_id"] = shop.pizza;
  expect_field(b, "items[1].product_id");  // the same product twice
  b = order_body(shop, me.home);
  b["items"] = json::array{json::object{{"product_id", shop.salad}, {"quantity", 1}}};
  expect_field(b, "items");  // 720 is under the 1500 minimum
  b = order_body(shop, me.home);
  b["payment"] = json::object{{"method", "card"}};
  expect_field(b, "payment.token");
  b["payment"] = json::object{{"method", "bitcoin"}};
  expect_field(b, "payment.method");

  // Several problems at once, each named.
  b = order_body(closed, other.home);
  b["items"].as_array()[0].as_object()["quantity"] = 99;
  const auto all = fields_for(b);
  EXPECT_THAT(all, Contains("items[0].quantity"));
  EXPECT_EQ(orders_of(me.account), "0") << "nothing was created by any of these";
}

TEST_F(OrdersE2E, PricesTotalsAndStatusInTheBodyAreRefusedNeverApplied) {
  const Shop shop = open_shop("Tamper");
  const Customer me = customer();
  json::object b = order_body(shop, me.home);
  b["total"] = json::object{{"amount", 1}, {"currency", "EUR"}};
  b["status"] = "delivered";
  b["customer_id"] = shop.owner.user_id;
  b["items"].as_array()[0].as_object()["price"] = json::object{{"amount", 1}, {"currency", "EUR"}};
  b["items"].as_array()[1].as_object()["unit_price"] = 1;
  for (const char* route : {"/api/v1/orders", "/api/v1/orders/quote"}) {
    auto r = send("POST", route, &me.account, json::serialize(b), {{"Idempotency-Key", new_key()}});
    expect_problem(r, 422);
    const auto fields = error_fields(r);
    for (const char* field : {"total", "status", "customer_id", "items[0].price", "items[1].unit_price"}) {
      EXPECT_THAT(fields, Contains(field)) << route;
    }
  }
  EXPECT_EQ(orders_of(me.account), "0");
}

TEST_F(OrdersE2E, IdempotencyKeyIsRequiredAndBoundToItsFirstBody) {
  const Shop shop = open_shop("Keys");
  const Customer me = customer();
  const std::string body = json::serialize(order_body(shop, me.home));
  auto missing = send("POST", kOrders, &me.account, body);
  expect_problem(missing, 400);
  EXPECT_NE(missing.json().at("detail").as_string().find("Idempotency-Key"), std::string::npos);
  expect_problem(post_order(me.account, body, std::string(256, 'k')), 400);
  expect_problem(post_order(me.account, body, "has space"), 400);
  EXPECT_EQ(orders_of(me.account), "0");

  const std::string key = new_key();
  ASSERT_EQ(post_order(me.account, body, key).status, 201);
  auto other_body = post_order(me.account, json::serialize(order_body(shop, me.home, 3, 1)), key);
  expect_problem(other_body, 422);
  EXPECT_EQ(other_body.json().at("type").as_string(), "/problems/idempotency-key-reused");

  // A refused body is the key's answer too, replayed as such.
  json::object empty = order_body(shop, me.home);
  empty["items"] = json::array{};
  const std::string empty_key = new_key();
  auto empty_refused = post_order(me.account, json::serialize(empty), empty_key);
  expect_problem(empty_refused, 422);
  auto empty_again = post_order(me.account, json::serialize(empty), empty_key);
  EXPECT_EQ(empty_again.body, empty_refused.body);
  EXPECT_EQ(empty_again.header("idempotent-replayed").value_or(""), "true");

  // So is a refusal decided against the catalog and users, even with the same body.
  json::object outside = order_body(shop, me.far);
  const std::string refused_key = new_key();
  auto refused = post_order(me.account, json::serialize(outside), refused_key);
  expect_problem(refused, 422);
  auto refused_again = post_order(me.account, json::serialize(outside), refused_key);
  EXPECT_EQ(refused_again.status, 422);
  EXPECT_EQ(refused_again.body, refused.body);
  EXPECT_EQ(refused_again.header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(orders_of(me.account), "1");
}

// --- who may see and do what ---

TEST_F(OrdersE2E, OtherUsersOrdersAreNotFoundAndWrongRolesForbidden) {
  const Shop shop = open_shop("Mine");
  const Shop rival = open_shop("Rival");
  const Customer me = customer();
  const Customer stranger = customer();
  const TestAccount driver = account("driver");
  const std::string id = place_cash(me, shop);
  const std::string one = std::string(kOrders) + "/" + id;

  expect_problem(send("GET", one, &stranger.account), 404);
  expect_problem(send("POST", one + "/cancel", &stranger.account), 404);
  expect_problem(send("GET", one, &rival.owner), 404);
  for (const char* action : {"/accept", "/preparing", "/ready"}) expect_problem(send("POST", one + action, &rival.owner), 404);
  expect_problem(send("POST", one + "/reject", &rival.owner, R"({"reason": "not mine"})"), 404);
  expect_problem(send("GET", std::string(kOrders) + "/0190f5d2-7b1c-7a3e-9f00-000000000009", &me.account), 404);
  expect_problem(send("GET", std::string(kOrders) + "/not-a-uuid", &me.account), 404);

  // Roles: a customer does not accept, a merchant does not cancel nor order, a driver lists nothing.
  expect_problem(send("POST", one + "/accept", &me.account), 403);
  expect_problem(send("POST", one + "/cancel", &shop.owner), 403);
  expect_problem(post_order(shop.owner, json::serialize(order_body(shop, me.home)), new_key()), 403);
  expect_problem(send("GET", kOrders, &driver), 403);
  expect_problem(send("GET", one, &driver), 403);
  expect_problem(send("GET", kOrders, nullptr), 401);
  EXPECT_EQ(row("SELECT status FROM orders.orders WHERE id = '" + id + "'"), "placed") << "nothing changed";

  // Lists: each sees their own.
  auto mine = send("GET", kOrders, &me.account);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json().at("items").as_array().size(), 1u);
  EXPECT_TRUE(send("GET", kOrders, &stranger.account).json().at("items").as_array().empty());
  EXPECT_TRUE(send("GET", kOrders, &rival.owner).json().at("items").as_array().empty());
  auto filtered = send("GET", std::string(kOrders) + "?status=delivered", &me.account);
  EXPECT_TRUE(filtered.json().at("items").as_array().empty());
  auto bad = send("GET", std::string(kOrders) + "?status=shipped&limit=0", &me.account);
  expect_problem(bad, 422);
  EXPECT_THAT(error_fields(bad), Contains("status"));
  EXPECT_THAT(error_fields(bad), Contains("limit"));

  // An admin sees and may cancel any order before delivery.
  TestAccount admin = account("customer");
  auto c = client();
  promote_to_admin(c, *db_, admin);
  ASSERT_EQ(send("GET", one, &admin).status, 200);
  ASSERT_EQ(send("POST", one + "/accept", &shop.owner).status, 200);
  auto cancelled = send("POST", one + "/cancel", &admin, R"({"reason": "Customer called support"})");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("status").as_string(), "cancelled");
}

TEST_F(OrdersE2E, ListsArePagedWithAnOpaqueCursor) {
  const Shop shop = open_shop("Busy");
  const Customer me = customer();
  std::vector<std::string> placed;
  for (int i = 0; i < 5; ++i) placed.push_back(place_cash(me, shop));
  std::vector<std::string> seen;
  std::string target = std::string(kOrders) + "?limit=2";
  for (int round = 0; round < 10; ++round) {
    auto r = send("GET", target, &me.account);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value page = r.json();
    for (const auto& item : page.at("items").as_array()) seen.emplace_back(item.at("id").as_string());
    if (page.at("next_cursor").is_null()) break;
    target = std::string(kOrders) + "?limit=2&cursor=" + std::string(page.at("next_cursor").as_string());
  }
  std::reverse(placed.begin(), placed.end());
  EXPECT_EQ(seen, placed) << "newest first, each once";
  expect_problem(send("GET", std::string(kOrders) + "?cursor=forged", &me.account), 422);
}

}  // namespace
}  // namespace nelo::test
