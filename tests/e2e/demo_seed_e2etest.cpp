// `nelo demo seed` against the real binary: it seeds a running server through its public API
// (and the admin in-process), and seeding again changes nothing.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>

#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "nelo-demo-password";
// The demo city (src/app/demo/demo_data.cpp): 1 admin, 12 merchant users, 3 customers, 3 drivers.
constexpr int kAccounts = 19;
constexpr int kMerchants = 12;
constexpr int kProducts = 82;
constexpr int kAddresses = 5;

struct Counts {
  std::string accounts, merchants, products, addresses;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "{accounts " << c.accounts << ", merchants " << c.merchants << ", products " << c.products
             << ", addresses " << c.addresses << "}";
}

class DemoSeedE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}, {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"}});
    server_->start();
    first_ = new std::pair<int, std::string>(seed());
  }
  static void TearDownTestSuite() {
    delete first_;
    delete server_;
    delete db_;
  }

  static std::string url() { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  static std::pair<int, std::string> seed(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"demo", "seed", "--url", url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_nelo(args, {{"DATABASE_URL", db_->conninfo()}});
  }

  static Counts counts() {
    return {db_->value("SELECT count(*) FROM auth.users WHERE email LIKE '%@demo.nelo.example'"),
            db_->value("SELECT count(*) FROM catalog.merchants"), db_->value("SELECT count(*) FROM catalog.products"),
            db_->value("SELECT count(*) FROM users.addresses")};
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 15s); }

  std::string login(const std::string& email, const std::string& password = kPassword) {
    auto c = client();
    auto r = c.post_json("/api/v1/auth/login", json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
    return r.status == 200 ? std::string(r.json().at("access_token").as_string()) : std::string();
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static std::pair<int, std::string>* first_;
};

TestDatabase* DemoSeedE2E::db_ = nullptr;
NeloProcess* DemoSeedE2E::server_ = nullptr;
std::pair<int, std::string>* DemoSeedE2E::first_ = nullptr;

TEST_F(DemoSeedE2E, FirstRunCreatesTheWholeCityAndPrintsTheCredentials) {
  ASSERT_EQ(first_->first, 0) << first_->second;
  const auto& out = first_->second;
  EXPECT_NE(out.find("alice@demo.nelo.example"), std::string::npos) << out;
  EXPECT_NE(out.find("admin@demo.nelo.example"), std::string::npos) << out;
  EXPECT_NE(out.find("pizzeria@demo.nelo.example"), std::string::npos) << out;
  EXPECT_NE(out.find(kPassword), std::string::npos) << out;
  EXPECT_NE(out.find("MERCHANT_ID="), std::string::npos) << out;
  EXPECT_NE(out.find("PRODUCT_ID="), std::string::npos) << out;
  EXPECT_NE(out.find("ADDRESS_ID="), std::string::npos) << out;
  EXPECT_NE(out.find("This run created 12 merchants, 82 products and 5 addresses"), std::string::npos) << out;
  EXPECT_EQ(counts(), (Counts{std::to_string(kAccounts), std::to_string(kMerchants), std::to_string(kProducts),
                              std::to_string(kAddresses)}));
  EXPECT_EQ(db_->value("SELECT string_agg(r, ',' ORDER BY r) FROM (SELECT DISTINCT unnest(roles) AS r FROM auth.users) s"),
            "admin,customer,driver,merchant");
}

TEST_F(DemoSeedE2E, SecondRunCreatesNothingMore) {
  ASSERT_EQ(first_->first, 0) << first_->second;
  const auto before = counts();
  auto [code, out] = seed();
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("This run created 0 merchants, 0 products and 0 addresses"), std::string::npos) << out;
  EXPECT_EQ(counts(), before);
  // The ids printed for the tour are the same ones.
  auto id_line = [](const std::string& text, const std::string& name) {
    auto at = text.find(name + "=");
    return at == std::string::npos ? std::string() : text.substr(at, text.find(' ', at) - at);
  };
  for (const char* name : {"MERCHANT_ID", "PRODUCT_ID", "ADDRESS_ID"}) {
    EXPECT_FALSE(id_line(out, name).empty()) << name;
    EXPECT_EQ(id_line(out, name), id_line(first_->second, name)) << name;
  }
}

TEST_F(DemoSeedE2E, TheDemoCustomerLogsInAndHasAddressesNearTheCentre) {
  auto token = login("alice@demo.nelo.example");
  ASSERT_FALSE(token.empty());
  auto c = client();
  auto addresses = c.get("/api/v1/users/me/addresses", {bearer(token)});
  ASSERT_EQ(addresses.status, 200) << addresses.body;
  const auto body = addresses.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  for (const auto& a : items) {
    EXPECT_NEAR(a.at("lat").to_number<double>(), 48.8566, 0.03);
    EXPECT_NEAR(a.at("lng").to_number<double>(), 2.3522, 0.03);
    EXPECT_EQ(a.at("city").as_string(), "Paris");
  }
}

TEST_F(DemoSeedE2E, MerchantsAreListedNearTheCentre) {
  auto token = login("bruno@demo.nelo.example");
  auto c = client();
  auto near = c.get("/api/v1/catalog/merchants?lat=48.8566&lng=2.3522&radius_m=3000&limit=100", {bearer(token)});
  ASSERT_EQ(near.status, 200) << near.body;
  const auto body = near.json();
  const auto& items = body.at("items").as_array();
  EXPECT_EQ(items.size(), static_cast<std::size_t>(kMerchants));
  int open_around_the_clock = 0;
  for (const auto& m : items) {
    const auto& monday = m.at("opening_hours").at("monday").as_array();
    if (monday.size() == 1 && monday[0].at("opens") == "00:00" && monday[0].at("closes") == "24:00") {
      ++open_around_the_clock;
      EXPECT_TRUE(m.at("open_now").as_bool()) << m.at("name");
    }
  }
  EXPECT_EQ(open_around_the_clock, 9);
}

TEST_F(DemoSeedE2E, EachMerchantUserOwnsItsShopAndMenu) {
  auto token = login("pizzeria@demo.nelo.example");
  auto c = client();
  auto mine = c.get("/api/v1/catalog/me/merchants", {bearer(token)});
  ASSERT_EQ(mine.status, 200) << mine.body;
  const auto body = mine.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("name").as_string(), "Pizzeria Napoli");
  const std::string id(items[0].at("id").as_string());
  auto products = c.get("/api/v1/catalog/merchants/" + id + "/products?limit=100", {bearer(token)});
  ASSERT_EQ(products.status, 200) << products.body;
  const auto menu_body = products.json();
  const auto& menu = menu_body.at("items").as_array();
  EXPECT_EQ(menu.size(), 7u);
  for (const auto& p : menu) {
    EXPECT_EQ(p.at("price").at("currency").as_string(), "EUR");
    EXPECT_GT(p.at("price").at("amount").as_int64(), 0);
  }
}

TEST_F(DemoSeedE2E, TheAdminIsARealAdmin) {
  auto token = login("admin@demo.nelo.example");
  auto c = client();
  auto users = c.get("/api/v1/auth/users", {bearer(token)});
  EXPECT_EQ(users.status, 200) << users.body;
}

TEST_F(DemoSeedE2E, ADriverLogsIn) { EXPECT_FALSE(login("karim@demo.nelo.example").empty()); }

TEST_F(DemoSeedE2E, AnotherPasswordIsRefusedClearlyAndChangesNothing) {
  const auto before = counts();
  auto [code, out] = seed({"--password", "another long password"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("exists with another password"), std::string::npos) << out;
  EXPECT_EQ(counts(), before);
}

TEST_F(DemoSeedE2E, BadArgumentsExitWithTwo) {
  for (const char* center : {"48.8566", "abc,def", "91,2", "48.8,181", "48.8,2.3,1"}) {
    auto [code, out] = seed({"--center", center});
    EXPECT_EQ(code, 2) << center << ": " << out;
    EXPECT_NE(out.find("--center"), std::string::npos) << out;
  }
  auto [code, out] = run_nelo({"demo", "seed", "--url", "https://127.0.0.1:1"});
  EXPECT_EQ(code, 2) << out;
  auto [short_code, short_out] = seed({"--password", "short"});
  EXPECT_EQ(short_code, 2) << short_out;
}

TEST_F(DemoSeedE2E, NoServerExitsWithOneAndSaysSo) {
  auto [code, out] = run_nelo({"demo", "seed", "--url", "http://127.0.0.1:" + std::to_string(free_port()), "--wait", "0"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("no ready Nelo server"), std::string::npos) << out;
}

}  // namespace
}  // namespace nelo::test
