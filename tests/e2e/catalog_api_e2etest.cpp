// Black-box tests of the catalog API on the real `nelo` binary and a real PostgreSQL + PostGIS,
// with real accounts and tokens from the auth module: a merchant user creates a shop and its menu,
// customers and anonymous visitors read them; roles, ownership, validation and soft delete.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kMerchants = "/api/v1/catalog/merchants";

class CatalogE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete approver_;
    approver_ = nullptr;
    delete server_;
    delete db_;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 15s); }

  // Merchants and drivers get their role as in production: applied for, approved by an admin.
  TestAccount account(std::string_view role) {
    auto c = client();
    auto email = unique_email(std::string("catalog-") + std::string(role));
    if (role == "customer") return register_and_login(c, email);
    if (!approver_) approver_ = new TestAccount(make_admin(c, *db_));
    return register_with_role(c, *approver_, email, role);
  }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}) {
    Headers headers;
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client().request(method, target, body, headers);
  }

  HttpResponse send_keyed(const std::string& target, const TestAccount& who, const std::string& key,
                          const std::string& body) {
    Headers headers{bearer(who.access_token), {"Content-Type", "application/json"}, {"Idempotency-Key", key}};
    return client().request("POST", target, body, headers);
  }

  static std::string merchant_body(const std::string& name, double lat = 48.8566, double lng = 2.3522) {
    json::object body = json::parse(R"({
      "description": "Bistrot parisien", "address": "12 rue de Rivoli, 75004 Paris",
      "phone": "+33142685300",
      "opening_hours": {"monday": [{"opens": "00:00", "closes": "24:00"}], "tuesday": [{"opens": "00:00", "closes": "24:00"}],
                        "wednesday": [{"opens": "00:00", "closes": "24:00"}], "thursday": [{"opens": "00:00", "closes": "24:00"}],
                        "friday": [{"opens": "00:00", "closes": "24:00"}], "saturday": [{"opens": "00:00", "closes": "24:00"}],
                        "sunday": [{"opens": "00:00", "closes": "24:00"}]},
      "time_zone": "Europe/Paris", "prep_time_minutes": 15,
      "min_order": {"amount": 1500, "currency": "EUR"}, "delivery_radius_m": 3000})")
                            .as_object();
    body["name"] = name;
    body["lat"] = lat;
    body["lng"] = lng;
    return json::serialize(body);
  }

  static std::string product_body(const std::string& name, std::int64_t cents, const std::string& currency = "EUR") {
    json::object body{{"name", name},
                      {"price", json::object{{"amount", cents}, {"currency", currency}}},
                      {"category", "Plats"}};
    return json::serialize(body);
  }

  std::string create_merchant(const TestAccount& owner, const std::string& name, double lat = 48.8566,
                              double lng = 2.3522) {
    auto r = send("POST", kMerchants, &owner, merchant_body(name, lat, lng));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  std::string create_product(const TestAccount& owner, const std::string& merchant_id, const std::string& name,
                             std::int64_t cents) {
    auto r = send("POST", std::string(kMerchants) + "/" + merchant_id + "/products", &owner, product_body(name, cents));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  std::string row(const std::string& sql) { return db_->value(sql); }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static TestAccount* approver_;  // the admin who approves role applications
};
TestDatabase* CatalogE2E::db_ = nullptr;
NeloProcess* CatalogE2E::server_ = nullptr;
TestAccount* CatalogE2E::approver_ = nullptr;

TEST_F(CatalogE2E, AMerchantOpensAShopAndACustomerReadsIt) {
  const TestAccount merchant = account("merchant");
  auto created = send("POST", kMerchants, &merchant, merchant_body("Chez Léon"));
  ASSERT_EQ(created.status, 201) << created.body;
  const json::value shop = created.json();
  const std::string id(shop.at("id").as_string());
  EXPECT_EQ(created.header("location").value_or(""), std::string(kMerchants) + "/" + id);
  EXPECT_EQ(shop.at("owner_id").as_string(), merchant.user_id);
  EXPECT_EQ(shop.at("name").as_string(), "Chez Léon");
  EXPECT_EQ(shop.at("min_order"), json::parse(R"({"amount": 1500, "currency": "EUR"})"));
  EXPECT_TRUE(shop.at("open_now").as_bool()) << "open around the clock";
  EXPECT_EQ(shop.at("created_at").as_string().size(), 24u) << "RFC 3339 with milliseconds";

  const std::string croque = create_product(merchant, id, "Croque-monsieur", 950);
  const std::string salade = create_product(merchant, id, "Salade", 800);

  const TestAccount customer = account("customer");
  auto read = send("GET", std::string(kMerchants) + "/" + id, &customer);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("name").as_string(), "Chez Léon");
  EXPECT_FALSE(read.json().as_object().contains("owner_id")) << "the owner is not public";
  auto menu = send("GET", std::string(kMerchants) + "/" + id + "/products", &customer);
  ASSERT_EQ(menu.status, 200) << menu.body;
  const json::value menu_body = menu.json();
  const auto& items = menu_body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_string(), croque);
  EXPECT_EQ(items[0].at("price"), json::parse(R"({"amount": 950, "currency": "EUR"})"));
  EXPECT_EQ(items[1].at("id").as_string(), salade);
  EXPECT_TRUE(menu.json().at("next_cursor").is_null());

  auto near = send("GET", std::string(kMerchants) + "?lat=48.8570&lng=2.3522&radius_m=1000", &customer);
  ASSERT_EQ(near.status, 200) << near.body;
  bool found = false;
  const json::value near_body = near.json();
  for (const auto& m : near_body.at("items").as_array()) {
    if (m.at("id").as_string() == id) {
      found = true;
      EXPECT_NEAR(static_cast<double>(m.at("distance_m").as_int64()), 44, 2);
    }
  }
  EXPECT_TRUE(found) << near.body;

  auto mine = send("GET", "/api/v1/catalog/me/merchants", &merchant);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.json().at("items").as_array()[0].at("id").as_string(), id);
}

TEST_F(CatalogE2E, PublicReadsNeedNoToken) {
  const TestAccount merchant = account("merchant");
  const std::string id = create_merchant(merchant, "Open House", 43.2965, 5.3698);
  const std::string product = create_product(merchant, id, "Bouillabaisse", 3200);
  EXPECT_EQ(send("GET", std::string(kMerchants) + "/" + id, nullptr).status, 200);
  EXPECT_EQ(send("GET", std::string(kMerchants) + "/" + id + "/products", nullptr).status, 200);
  EXPECT_EQ(send("GET", std::string(kMerchants) + "/" + id + "/products/" + product, nullptr).status, 200);
  auto near = send("GET", std::string(kMerchants) + "?lat=43.2965&lng=5.3698", nullptr);
  ASSERT_EQ(near.status, 200) << near.body;
  ASSERT_EQ(near.json().at("items").as_array().size(), 1u) << "only the Marseille shop is near Marseille";
  EXPECT_EQ(near.json().at("items").as_array()[0].at("distance_m").as_int64(), 0);
  // Writes and "my merchants" do need one.
  expect_problem(send("POST", kMerchants, nullptr, merchant_body("Anonymous")), 401);
  expect_problem(send("GET", "/api/v1/catalog/me/merchants", nullptr), 401);
  expect_problem(send("PATCH", std::string(kMerchants) + "/" + id, nullptr, R"({"name": "x"})"), 401);
}

// The issue's case: anyone could register as a merchant and open a shop under any name.
TEST_F(CatalogE2E, AMerchantApplicantOpensAShopOnlyOnceAnAdminApproved) {
  auto c = client();
  auto applicant = register_and_login(c, unique_email("catalog-applicant"), "merchant");
  expect_problem(send("POST", kMerchants, &applicant, merchant_body("Self-made shop")), 403);
  EXPECT_EQ(row("SELECT count(*) FROM catalog.merchants WHERE name = 'Self-made shop'"), "0");

  const TestAccount admin = make_admin(c, *db_);
  auto queue = c.get("/api/v1/auth/role-applications?status=pending&user_id=" + applicant.user_id,
                     {bearer(admin.access_token)});
  ASSERT_EQ(queue.status, 200) << queue.body;
  const auto queue_body = queue.json();  // named: a reference into json()'s temporary would dangle
  const auto& items = queue_body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("role").as_string(), "merchant");
  EXPECT_EQ(items[0].at("email").as_string(), applicant.email);
  const std::string approve = "/api/v1/auth/role-applications/" + std::string(items[0].at("id").as_string()) + "/approve";
  // An applicant cannot approve themselves.
  expect_problem(c.post_json(approve, json::object{}, {bearer(applicant.access_token)}), 403);
  ASSERT_EQ(c.post_json(approve, json::object{}, {bearer(admin.access_token)}).status, 200);
  expect_problem(c.post_json(approve, json::object{}, {bearer(admin.access_token)}), 409);

  relogin(c, applicant);
  EXPECT_EQ(send("POST", kMerchants, &applicant, merchant_body("Approved shop")).status, 201);
}

TEST_F(CatalogE2E, ACustomerCannotCreateOrChangeMerchantsOrProducts) {
  const TestAccount merchant = account("merchant");
  const std::string id = create_merchant(merchant, "Customer Proof");
  const std::string product = create_product(merchant, id, "Tarte", 450);
  const TestAccount customer = account("customer");
  const std::string count = "SELECT count(*) FROM catalog.merchants";
  const std::string before = row(count);
  expect_problem(send("POST", kMerchants, &customer, merchant_body("Not a merchant")), 403);
  expect_problem(send("PATCH", std::string(kMerchants) + "/" + id, &customer, R"({"name": "Mine now"})"), 403);
  expect_problem(send("POST", std::string(kMerchants) + "/" + id + "/products", &customer, product_body("Free", 1)),
                 403);
  expect_problem(send("DELETE", std::string(kMerchants) + "/" + id + "/products/" + product, &customer), 403);
  expect_problem(send("GET", "/api/v1/catalog/me/merchants", &customer), 403);
  EXPECT_EQ(row(count), before);
  EXPECT_EQ(row("SELECT name FROM catalog.merchants WHERE id = '" + id + "'"), "Customer Proof");
}

TEST_F(CatalogE2E, AnotherMerchantGets404AndNothingChanges) {
  const TestAccount alice = account("merchant");
  const TestAccount mallory = account("merchant");
  const std::string id = create_merchant(alice, "Alice's");
  const std::string product = create_product(alice, id, "Quiche", 700);
  const std::string merchant_sql = "SELECT row_to_json(m)::text FROM catalog.merchants m WHERE id = '" + id + "'";
  const std::string product_sql = "SELECT row_to_json(p)::text FROM catalog.products p WHERE merchant_id = '" + id + "'";
  const std::string merchant_before = row(merchant_sql);
  const std::string products_before = row(product_sql);

  const std::string shop = std::string(kMerchants) + "/" + id;
  expect_problem(send("PATCH", shop, &mallory, R"({"name": "Mallory's", "min_order": {"amount": 1, "currency": "EUR"}})"),
                 404);
  expect_problem(send("POST", shop + "/products", &mallory, product_body("Poison", 1)), 404);
  expect_problem(send("PATCH", shop + "/products/" + product, &mallory, R"({"price": {"amount": 1, "currency": "EUR"}})"),
                 404);
  expect_problem(send("DELETE", shop + "/products/" + product, &mallory), 404);
  EXPECT_TRUE(send("GET", "/api/v1/catalog/me/merchants", &mallory).json().at("items").as_array().empty());

  EXPECT_EQ(row(merchant_sql), merchant_before);
  EXPECT_EQ(row(product_sql), products_before);
  EXPECT_EQ(row("SELECT count(*) FROM catalog.products WHERE merchant_id = '" + id + "'"), "1");

  // The owner may, and so may an admin.
  EXPECT_EQ(send("PATCH", shop, &alice, R"({"prep_time_minutes": 25})").status, 200);
  TestAccount admin = account("customer");
  auto c = client();
  promote_to_admin(c, *db_, admin);
  auto by_admin = send("PATCH", shop, &admin, R"({"prep_time_minutes": 30})");
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(by_admin.json().at("owner_id").as_string(), alice.user_id);
  EXPECT_EQ(row("SELECT prep_time_minutes FROM catalog.merchants WHERE id = '" + id + "'"), "30");
}

TEST_F(CatalogE2E, ValidationErrorsAre422WithFieldNames) {
  const TestAccount merchant = account("merchant");
  json::object bad = json::parse(merchant_body("Bad")).as_object();
  bad["phone"] = "01 42 68 53 00";
  bad["time_zone"] = "Europe/Nowhere";
  bad["opening_hours"] =
      json::parse(R"({"monday": [{"opens": "11:30", "closes": "14:30"}, {"opens": "12:00", "closes": "25:00"}]})");
  bad["min_order"] = json::parse(R"({"amount": 12.5, "currency": "eur"})");
  bad["owner_id"] = merchant.user_id;
  auto r = send("POST", kMerchants, &merchant, json::serialize(bad));
  expect_problem(r, 422);
  const auto fields = error_fields(r);
  for (const char* f : {"phone", "opening_hours.monday[1].closes", "min_order.amount", "min_order.currency",
                        "owner_id"}) {
    EXPECT_THAT(fields, ::testing::Contains(f)) << r.body;
  }

  // A well-formed body with an unknown zone: the zone is the one problem.
  json::object zone_only = json::parse(merchant_body("Zone")).as_object();
  zone_only["time_zone"] = "Europe/Nowhere";
  auto zone = send("POST", kMerchants, &merchant, json::serialize(zone_only));
  expect_problem(zone, 422);
  EXPECT_EQ(error_fields(zone), std::vector<std::string>{"time_zone"});
  EXPECT_EQ(row("SELECT count(*) FROM catalog.merchants WHERE owner_id = '" + merchant.user_id + "'"), "0");

  const std::string id = create_merchant(merchant, "Valid");
  auto usd = send("POST", std::string(kMerchants) + "/" + id + "/products", &merchant, product_body("Burger", 1200, "USD"));
  expect_problem(usd, 422);
  EXPECT_EQ(error_fields(usd), std::vector<std::string>{"price.currency"});
  auto free = send("POST", std::string(kMerchants) + "/" + id + "/products", &merchant, product_body("Free", 0));
  expect_problem(free, 422);
  EXPECT_EQ(error_fields(free), std::vector<std::string>{"price.amount"});
  expect_problem(send("PATCH", std::string(kMerchants) + "/" + id, &merchant, "{}"), 422);

  auto search = send("GET", std::string(kMerchants) + "?lng=2.35&radius_m=-3&open_now=maybe", nullptr);
  expect_problem(search, 422);
  EXPECT_EQ(error_fields(search), (std::vector<std::string>{"lat", "radius_m", "open_now"}));
  expect_problem(send("GET", std::string(kMerchants) + "?lat=48.85&lng=2.35&cursor=bogus", nullptr), 422);
}

TEST_F(CatalogE2E, MalformedAndUnknownIdsAre404) {
  for (const std::string& target : {std::string(kMerchants) + "/not-a-uuid", std::string(kMerchants) + "/0190f5d2-7b1c-7a3e-9f00-0123456789ab",
                                   std::string(kMerchants) + "/not-a-uuid/products",
                                   std::string(kMerchants) + "/0190f5d2-7b1c-7a3e-9f00-0123456789ab/products/x"}) {
    expect_problem(send("GET", target, nullptr), 404);
  }
  const TestAccount merchant = account("merchant");
  expect_problem(send("PATCH", std::string(kMerchants) + "/not-a-uuid", &merchant, R"({"name": "x"})"), 404);
}

TEST_F(CatalogE2E, DeletedProductsVanishFromReads) {
  const TestAccount merchant = account("merchant");
  const std::string id = create_merchant(merchant, "Soft Delete");
  const std::string keep = create_product(merchant, id, "Keep", 100);
  const std::string drop = create_product(merchant, id, "Drop", 200);
  const std::string one = std::string(kMerchants) + "/" + id + "/products/" + drop;
  EXPECT_EQ(send("DELETE", one, &merchant).status, 204);
  expect_problem(send("GET", one, nullptr), 404);
  expect_problem(send("DELETE", one, &merchant), 404);
  auto menu = send("GET", std::string(kMerchants) + "/" + id + "/products", nullptr);
  ASSERT_EQ(menu.status, 200) << menu.body;
  ASSERT_EQ(menu.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(menu.json().at("items").as_array()[0].at("id").as_string(), keep);
  EXPECT_EQ(row("SELECT deleted_at IS NOT NULL FROM catalog.products WHERE id = '" + drop + "'"), "t")
      << "the row stays for history";
}

TEST_F(CatalogE2E, OpenApiDocumentsTheCatalogRoutes) {
  auto spec = client().get("/openapi.json");
  ASSERT_EQ(spec.status, 200);
  const json::value doc = spec.json();
  const auto& paths = doc.at("paths").as_object();
  for (const char* path : {"/api/v1/catalog/merchants", "/api/v1/catalog/merchants/{id}",
                           "/api/v1/catalog/me/merchants", "/api/v1/catalog/merchants/{id}/products",
                           "/api/v1/catalog/merchants/{id}/products/{product_id}"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  EXPECT_TRUE(paths.at("/api/v1/catalog/merchants/{id}/products/{product_id}").as_object().contains("delete"));
}

TEST_F(CatalogE2E, AnIdempotencyKeyMakesCreatingAMerchantOrAProductSafeToRetry) {
  const TestAccount owner = account("merchant");
  auto first = send_keyed(kMerchants, owner, "shop-key", merchant_body("Chez Retry"));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string id(first.json().at("id").as_string());
  auto again = send_keyed(kMerchants, owner, "shop-key", merchant_body("Chez Retry"));
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body) << "byte-identical";
  EXPECT_EQ(again.header("location").value_or(""), std::string(kMerchants) + "/" + id);
  EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
  EXPECT_EQ(row("SELECT count(*) FROM catalog.merchants WHERE name = 'Chez Retry'"), "1");
  auto reused = send_keyed(kMerchants, owner, "shop-key", merchant_body("Chez Autre"));
  expect_problem(reused, 422);
  EXPECT_EQ(reused.json().at("type").as_string(), "/problems/idempotency-key-reused");
  EXPECT_EQ(row("SELECT count(*) FROM catalog.merchants WHERE name = 'Chez Autre'"), "0");

  // Eight simultaneous requests with one key create one product; each gets its 201 or a 409.
  const std::string products = std::string(kMerchants) + "/" + id + "/products";
  std::vector<HttpResponse> answers(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] { answers[i] = send_keyed(products, owner, "dish-key", product_body("Soupe", 900)); });
  }
  for (auto& t : threads) t.join();
  int created = 0, replayed = 0, busy = 0;
  std::string body;
  for (const auto& a : answers) {
    if (a.status == 201) {
      (a.header("idempotent-replayed") ? replayed : created) += 1;
      if (body.empty()) body = a.body;
      EXPECT_EQ(a.body, body) << "every 201 is the same product";
    } else {
      EXPECT_EQ(a.status, 409) << a.body;
      ++busy;
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(created + replayed + busy, 8);
  EXPECT_EQ(row("SELECT count(*) FROM catalog.products WHERE name = 'Soupe'"), "1");
  // Keys are the caller's: another merchant's identical key is theirs (and a 404 here, not a replay).
  const TestAccount mallory = account("merchant");
  expect_problem(send_keyed(products, mallory, "dish-key", product_body("Soupe", 900)), 404);
}

}  // namespace
}  // namespace nelo::test
