// The authorization matrix, generated from the route table: every operation the real server
// documents in /openapi.json x every role (anonymous, customer, merchant, driver, admin) x the
// caller's own object / another user's object (and, where a path names two objects, another
// user's object under the caller's own parent: /merchants/{mine}/products/{theirs}). Each cell's expected answer comes from the route's
// own declaration (policy: security and x-roles; access: x-access, from http::Access), so a new
// route is checked the day it is added, and a route that declares nothing, or names an object
// kind this file has no fixture for, fails the test.
//
// What a cell checks (support/authorization_matrix.hpp): anonymous on a non-public route -> 401;
// a role outside the policy -> 403; an admitted role on its own object (or a none/self route) ->
// allowed: anything but 401, 403, 404 and 5xx (a 400/409/422 on a body built from the schema
// counts as allowed: it got past authorization); on another user's object -> the declared 404 or
// 403, or allowed when the route declares others' objects visible or lets admins reach all. And
// no 2xx answer to a non-admin caller contains the id of another user's hidden object (orders,
// addresses, accounts: kinds no route declares visible), which catches lists not scoped to
// their caller.
// Requests that may change state (not GET) from an admitted caller act on fresh objects, so no
// cell depends on another; sessions a self route may end (logout) are renewed after it.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"
#include "support/auth_client.hpp"
#include "support/authorization_matrix.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/schema_instance.hpp"
#include "support/shop_body.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using matrix::Expectation;
using matrix::Target;

constexpr double kHomeLat = 48.8606;  // ~1.2 km from the shop
constexpr double kHomeLng = 2.3376;

using Params = std::map<std::string, std::string>;  // path parameter -> value

// Two accounts per role: [0] makes the calls and owns the "own" objects; [1] owns the others'.
struct Slot {
  std::string role;
  int index = 0;
};

class AuthorizationMatrixE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          // Cells send wrong passwords (login, password change) from 127.0.0.1.
                                          {"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", "1000"},
                                          {"NELO_AUTH_MAX_FAILURES_PER_ADDRESS", "100000"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    const std::string log = server_->output();
    EXPECT_EQ(log.find("unhandled"), std::string::npos) << log;
    delete server_;
    delete db_;
  }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}, Headers headers = {}) {
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client_.request(method, target, body, headers);
  }

  std::string created_id(const HttpResponse& r, const std::string& what) {
    if (r.status != 201) throw std::runtime_error(what + " answered " + std::to_string(r.status) + ": " + r.body);
    return std::string(r.json().at("id").as_string());
  }

  // --- accounts ---

  TestAccount account_with_role(const std::string& role) {
    auto account = register_and_login(client_, unique_email("matrix-" + role));
    if (role != "customer") {
      // Set directly, whatever the registration flow lets one ask for.
      db_->exec("UPDATE auth.users SET roles = ARRAY['" + role + "'] WHERE id = '" + account.user_id + "'");
      relogin(client_, account);
    }
    return account;
  }

  TestAccount& account(const Slot& s) { return accounts_.at(s.role).at(static_cast<std::size_t>(s.index)); }

  // --- objects, through the API ---

  std::string new_address(const TestAccount& who) {
    json::object body{{"label", "Home"}, {"line1", "10 rue de Rivoli"}, {"city", "Paris"}, {"postal_code", "75004"},
                      {"country", "FR"},   {"lat", kHomeLat},               {"lng", kHomeLng}};
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (true) {  // the profile is made from the user.registered event, just after registration
      auto r = send("POST", "/api/v1/users/me/addresses", &who, json::serialize(body));
      if (r.status != 404 || std::chrono::steady_clock::now() > deadline) return created_id(r, "address of " + who.email);
      std::this_thread::sleep_for(50ms);
    }
  }

  std::string new_merchant(const TestAccount& owner) {
    const json::object body = shop_body("Matrix " + owner.email, {.min_order_cents = 500});
    return created_id(send("POST", "/api/v1/catalog/merchants", &owner, json::serialize(body)), "merchant");
  }

  std::string new_product(const TestAccount& owner, const std::string& merchant) {
    json::object body{{"name", "Margherita"}, {"price", json::object{{"amount", 950}, {"currency", "EUR"}}}};
    return created_id(send("POST", "/api/v1/catalog/merchants/" + merchant + "/products", &owner, json::serialize(body)),
                      "product");
  }

  // Customer i orders from merchant i's shop: the order is both theirs.
  std::string new_order(int i) {
    const auto& customer = account({"customer", i});
    json::object body{{"merchant_id", shops_.at(i)},
                      {"items", json::array{json::object{{"product_id", products_.at(i)}, {"quantity", 1}}}},
                      {"address_id", addresses_.at("customer").at(i)},
                      {"payment", json::object{{"method", "cash"}}}};
    return created_id(send("POST", "/api/v1/orders", &customer, json::serialize(body), {{"Idempotency-Key", new_uuid()}}),
                      "order");
  }

  // A delivery offered to `driver` (written as dispatch would: the matrix is about who may answer
  // an offer, not about how it was matched).
  // A notification in the inbox of `who` (written as the notifier leaves one).
  std::string new_notification(const TestAccount& who) {
    const std::string id = new_uuid();
    db_->exec("INSERT INTO notifications.notifications (id, event_id, event_name, recipient_id, audience, category,"
              " locale, title, body, in_app) VALUES ('" + id + "', '" + new_uuid() + "', 'order.placed', '" +
              who.user_id + "', 'customer', 'order_status', 'fr', 'Commande confirmée', 'Votre commande', true)");
    return id;
  }

  // A push device of `who`.
  std::string new_device(const TestAccount& who) {
    const std::string id = new_uuid();
    db_->exec("INSERT INTO notifications.devices (id, user_id, platform, token) VALUES ('" + id + "', '" +
              who.user_id + "', 'ios', 'token-" + id + "')");
    return id;
  }

  std::string new_offer(const TestAccount& driver) {
    const std::string delivery = new_uuid();
    const std::string offer = new_uuid();
    db_->exec("INSERT INTO deliveries.drivers (user_id, vehicle, capacity) VALUES ('" + driver.user_id +
              "', 'bike', 5) ON CONFLICT DO NOTHING;"
              "INSERT INTO deliveries.deliveries (id, order_id, customer_id, merchant_id, merchant_owner_id, status,"
              " pickup_name, pickup_phone, pickup_address, pickup_lat, pickup_lng, dropoff_first_name,"
              " dropoff_address, dropoff_lat, dropoff_lng, pin) VALUES ('" + delivery + "', '" + new_uuid() + "', '" +
              new_uuid() + "', '" + new_uuid() + "', '" + new_uuid() + "', 'offered', 'Shop', '+33100000000',"
              " '1 rue de Rivoli', 48.85, 2.35, 'Ann', '2 rue de Rivoli', 48.86, 2.35, '1234');"
              "INSERT INTO deliveries.offers (id, delivery_id, driver_id, distance_m, eta_seconds, expires_at) VALUES ('" +
              offer + "', '" + delivery + "', '" + driver.user_id + "', 100, 30, now() + interval '1 hour')");
    return offer;
  }

  // A delivery of customer i's order from merchant i's shop, held by driver i (written as an
  // accepted offer leaves it: the matrix is about who may read and act on it).
  std::string new_delivery(int i) {
    const std::string delivery = new_uuid();
    const auto& driver = account({"driver", i});
    db_->exec("INSERT INTO deliveries.drivers (user_id, vehicle, capacity) VALUES ('" + driver.user_id +
              "', 'bike', 5) ON CONFLICT DO NOTHING;"
              "INSERT INTO deliveries.deliveries (id, order_id, customer_id, merchant_id, merchant_owner_id, status,"
              " pickup_name, pickup_phone, pickup_address, pickup_lat, pickup_lng, dropoff_first_name,"
              " dropoff_address, dropoff_lat, dropoff_lng, pin, driver_id, assigned_at) VALUES ('" + delivery + "', '" +
              new_uuid() + "', '" + account({"customer", i}).user_id + "', '" + shops_.at(i) + "', '" +
              account({"merchant", i}).user_id + "', 'assigned', 'Shop', '+33100000000', '1 rue de Rivoli', 48.85, 2.35,"
              " 'Ann', '2 rue de Rivoli', 48.86, 2.35, '1234', '" + driver.user_id + "', now());"
              "INSERT INTO deliveries.assignments (id, delivery_id, driver_id) VALUES ('" + new_uuid() + "', '" +
              delivery + "', '" + driver.user_id + "')");
    return delivery;
  }

  // --- object kinds: who may own one, the standing ones, and fresh ones ---

  struct Kind {
    std::vector<std::string> owners;                         // roles that own objects of this kind
    std::function<Params(const Slot&, bool fresh)> object;   // path parameters naming one
  };

  std::map<std::string, Kind> kinds() {
    std::map<std::string, Kind> k;
    k["address"] = {{"customer", "merchant", "driver", "admin"}, [this](const Slot& s, bool fresh) {
                      return Params{{"id", fresh ? new_address(account(s)) : addresses_.at(s.role).at(s.index)}};
                    }};
    k["merchant"] = {{"merchant"}, [this](const Slot& s, bool fresh) {
                       return Params{{"id", fresh ? new_merchant(account(s)) : shops_.at(s.index)}};
                     }};
    k["product"] = {{"merchant"}, [this](const Slot& s, bool fresh) {
                      const auto& shop = shops_.at(s.index);
                      return Params{{"id", shop}, {"product_id", fresh ? new_product(account(s), shop) : products_.at(s.index)}};
                    }};
    k["order"] = {{"customer", "merchant"}, [this](const Slot& s, bool fresh) {
                    return Params{{"id", fresh ? new_order(s.index) : orders_.at(s.index)}};
                  }};
    k["offer"] = {{"driver"}, [this](const Slot& s, bool fresh) {
                    return Params{{"id", fresh ? new_offer(account(s)) : offers_.at(s.index)}};
                  }};
    // Its driver, the order's customer and the shop's owner each call a delivery theirs.
    k["delivery"] = {{"driver", "customer", "merchant"}, [this](const Slot& s, bool fresh) {
                       return Params{{"id", fresh ? new_delivery(s.index) : deliveries_.at(s.index)}};
                     }};
    // The order's customer and the shop's owner each call its payment theirs.
    k["payment"] = {{"customer", "merchant"}, [this](const Slot& s, bool fresh) {
                      return Params{{"id", fresh ? new_payment(s.index) : payments_.at(s.index)}};
                    }};
    // Everyone has an inbox and devices.
    k["notification"] = {{"customer", "merchant", "driver", "admin"}, [this](const Slot& s, bool fresh) {
                           return Params{{"id", fresh ? new_notification(account(s)) : notifications_.at(s.role).at(s.index)}};
                         }};
    k["device"] = {{"customer", "merchant", "driver", "admin"}, [this](const Slot& s, bool fresh) {
                     return Params{{"id", fresh ? new_device(account(s)) : devices_.at(s.role).at(s.index)}};
                   }};
    // An account is its own; a fresh other's is a new account, so that disabling it harms no caller.
    k["user"] = {{"customer", "merchant", "driver", "admin"}, [this](const Slot& s, bool fresh) {
                   if (fresh && s.index == 1) return Params{{"id", account_with_role("customer").user_id}};
                   return Params{{"id", account(s).user_id}};
                 }};
    return k;
  }

  void set_up_fixtures() {
    for (const char* role : {"customer", "merchant", "driver", "admin"}) {
      for (int i = 0; i < 2; ++i) accounts_[role].push_back(account_with_role(role));
    }
    for (int i = 0; i < 2; ++i) {
      for (const char* role : {"customer", "merchant", "driver", "admin"}) {
        addresses_[role].push_back(new_address(account({role, i})));
        notifications_[role].push_back(new_notification(account({role, i})));
        devices_[role].push_back(new_device(account({role, i})));
      }
      shops_.push_back(new_merchant(account({"merchant", i})));
      products_.push_back(new_product(account({"merchant", i}), shops_.back()));
    }
    for (int i = 0; i < 2; ++i) orders_.push_back(new_order(i));
    for (int i = 0; i < 2; ++i) offers_.push_back(new_offer(account({"driver", i})));
    for (int i = 0; i < 2; ++i) deliveries_.push_back(new_delivery(i));
    for (int i = 0; i < 2; ++i) payments_.push_back(new_payment(i));
    // A driver's /drivers/me routes answer 404 before the driver's first PUT: each driver has one.
    for (int i = 0; i < 2; ++i) new_driver_profile(account({"driver", i}));
  }

  // Customer i's captured cash payment to merchant i's shop, written as the superuser (the saga
  // that creates payments is not this test's subject).
  std::string new_payment(int i) {
    const std::string id = new_uuid();
    db_->exec("INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
              " provider, provider_reference, currency, amount, subtotal, delivery_fee, service_fee, status) VALUES ('" +
              id + "', gen_random_uuid(), '" + account({"customer", i}).user_id + "', '" + shops_.at(i) + "', '" +
              account({"merchant", i}).user_id + "', 'cash', 'cash', 'cash_" + id +
              "', 'EUR', 950, 950, 0, 0, 'authorized')");
    return id;
  }

  void new_driver_profile(const TestAccount& driver) {
    auto r = send("PUT", "/api/v1/deliveries/drivers/me", &driver, R"({"vehicle": "bike"})");
    if (r.status != 201 && r.status != 200) {
      throw std::runtime_error("driver profile of " + driver.email + " answered " + std::to_string(r.status) + ": " + r.body);
    }
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  HttpClient client_{"127.0.0.1", server_->port(), 15s};
  std::map<std::string, std::vector<TestAccount>> accounts_;
  std::map<std::string, std::vector<std::string>> addresses_;  // by role, per account
  std::map<std::string, std::vector<std::string>> notifications_, devices_;  // by role, per account
  std::vector<std::string> shops_, products_, orders_, offers_, deliveries_, payments_;  // per index
};
TestDatabase* AuthorizationMatrixE2E::db_ = nullptr;
NeloProcess* AuthorizationMatrixE2E::server_ = nullptr;

std::string fill_path(const std::string& path, const Params& params) {
  std::string out;
  for (std::size_t i = 0; i < path.size();) {
    if (path[i] != '{') {
      out += path[i++];
      continue;
    }
    auto end = path.find('}', i);
    auto name = path.substr(i + 1, end - i - 1);
    auto it = params.find(name);
    out += it != params.end() ? it->second : new_uuid();  // none routes: a placeholder (may be 404)
    i = end + 1;
  }
  return out;
}

std::string query_value(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

TEST_F(AuthorizationMatrixE2E, EveryRouteRoleAndTargetAnswersAsDeclared) {
  auto doc_response = client_.get("/openapi.json");
  ASSERT_EQ(doc_response.status, 200);
  const json::value doc = doc_response.json();
  const auto routes = matrix::routes_of(doc);
  ASSERT_FALSE(routes.empty());
  set_up_fixtures();
  auto object_kinds = kinds();

  // Ids of the others' objects that no route shows to other users (kinds declared 404/403 and
  // never visible): an allowed answer to a non-admin caller must not contain any (a list that
  // is not scoped to its caller, a detail that embeds another user's object).
  std::map<std::string, std::string> foreign;  // id -> what it is
  {
    std::set<std::string> hidden, visible;
    for (const auto& route : routes) {
      if (route.scope != "object") continue;
      (route.others.is_string() ? visible : hidden).insert(route.object);
    }
    for (const auto& kind_name : hidden) {
      auto it = object_kinds.find(kind_name);
      if (visible.contains(kind_name) || it == object_kinds.end()) continue;
      for (const auto& role : it->second.owners) {
        for (const auto& [_, id] : it->second.object({role, 1}, false)) foreign[id] = kind_name + " of " + role + " #1";
      }
    }
  }

  std::vector<std::string> failures;
  std::map<std::string, int> answered;  // "allowed", "401", ...
  int checked = 0, not_applicable = 0;
  std::ostringstream table;

  for (const auto& route : routes) {
    if (!route.declared()) {
      failures.push_back(route.name() + ": undeclared cell: the route declares no access (x-access); give it "
                         "`.access = http::Access::...` (docs/architecture.md)");
      continue;
    }
    const Kind* kind = nullptr;
    if (route.scope == "object") {
      auto it = object_kinds.find(route.object);
      if (it == object_kinds.end()) {
        failures.push_back(route.name() + ": undeclared cell: no fixture for object kind '" + route.object +
                           "': add one to kinds() in tests/e2e/authorization_matrix_e2etest.cpp");
        continue;
      }
      kind = &it->second;
      for (const auto& p : route.path_params) {
        if (!kind->object({kind->owners.front(), 1}, false).contains(p)) {
          failures.push_back(route.name() + ": the '" + route.object + "' fixture names no path parameter {" + p + "}");
        }
      }
    }
    table << "  " << route.name() << "  [" << (route.scope == "object" ? route.object : route.scope) << "]";
    for (const auto& role : matrix::kRoles) {
      const bool owns = kind && std::find(kind->owners.begin(), kind->owners.end(), role) != kind->owners.end();
      table << "  " << role << ":";
      for (Target target : {Target::Own, Target::Others, Target::OthersUnderOwn}) {
        const Expectation want = matrix::expected(route, role, target, owns);
        if (want.kind == Expectation::Kind::NotApplicable) {
          if (target != Target::OthersUnderOwn) ++not_applicable;
          if (target != Target::OthersUnderOwn) table << (target == Target::Own ? "-" : "/-");
          continue;
        }
        const bool anonymous = role == "anonymous";
        // Fresh objects where the request may change one; the standing ones otherwise.
        const bool fresh = route.method != "GET" && !anonymous && route.admits(role);
        Params params;
        if (kind) {
          Slot owner = target == Target::Own ? Slot{role, 0} : Slot{owns ? role : kind->owners.front(), 1};
          params = kind->object(owner, fresh);
          if (target == Target::OthersUnderOwn) {  // the caller's own parent, another user's leaf
            const std::string& leaf = route.path_params.back();
            Params own = kind->object({role, 0}, false);
            own[leaf] = params.at(leaf);
            params = own;
          }
        }
        std::string target_path = fill_path(route.path, params);
        std::string query;
        for (const auto& [name, schema] : route.required_query) {
          query += (query.empty() ? "?" : "&") + name + "=" + query_value(minimal_instance(schema, doc));
        }
        std::string body = route.request_schema.is_null() ? "" : json::serialize(minimal_instance(route.request_schema, doc));
        Headers headers;
        if (route.method != "GET") headers.emplace_back("Idempotency-Key", new_uuid());
        TestAccount* caller = anonymous ? nullptr : &account({role, 0});
        auto r = send(route.method, target_path + query, caller, body, headers);
        ++checked;
        const bool ok = want.accepts(r.status);
        const bool denied = r.status == 401 || r.status == 403 || r.status == 404 || r.status >= 500;
        answered[denied ? std::to_string(r.status) : "allowed"]++;
        table << (target == Target::Own ? "" : target == Target::Others ? "/" : "^") << r.status << (ok ? "" : "!");
        if (!ok) {
          failures.push_back(route.name() + " as " + role + " on " + matrix::name(target) + " object (" + target_path +
                             "): expected " + want.describe() + ", got " + std::to_string(r.status) + " " +
                             r.body.substr(0, 200));
        }
        if (ok && r.status < 300 && !anonymous && role != "admin") {
          for (const auto& [id, what] : foreign) {
            if (r.body.find(id) == std::string::npos) continue;
            failures.push_back(route.name() + " as " + role + " on " + matrix::name(target) + " object: the answer " +
                               "contains the " + what + " (" + id + "), another user's");
            table << "!";
          }
        }
        // A self route may end the caller's session (logout, logout-all): start a new one.
        if (route.scope == "self" && fresh) relogin(client_, *caller);
      }
    }
    table << "\n";
  }

  std::cout << "authorization matrix, status per role as own/other's[^other's under own parent] object "
               "(- not applicable, ! unexpected):\n"
            << table.str();
  std::cout << "authorization matrix: " << routes.size() << " routes x " << matrix::kRoles.size()
            << " roles x {own, other's, other's under own parent}: " << checked << " cells checked (";
  for (const auto& [cls, n] : answered) std::cout << cls << " " << n << ", ";
  std::cout << not_applicable << " not applicable), " << failures.size() << " unexpected\n";
  std::string all;
  for (const auto& f : failures) all += "  " + f + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " unexpected or undeclared cells:\n" << all;
}

// --- the rules themselves, on synthetic routes: each wrong answer is caught ---

matrix::Route synthetic(const std::string& path, json::value security, json::value roles, json::value access) {
  json::object op{{"summary", "x"}, {"security", std::move(security)}, {"x-access", std::move(access)}};
  if (!roles.is_null()) op["x-roles"] = std::move(roles);
  json::value doc = {{"paths", {{path, {{"post", op}}}}}};
  return matrix::routes_of(doc).at(0);
}

const json::value kBearer = json::array{{{"bearerAuth", json::array{}}}};

TEST(AuthorizationMatrix, SelfCheck_OwnedObjectRoute) {
  auto r = synthetic("/orders/{id}/cancel", kBearer, json::array{"customer", "admin"},
                     {{"scope", "object"}, {"object", "order"}, {"others", 404}, {"admins", "reach_all"}});
  using matrix::expected;
  EXPECT_TRUE(expected(r, "anonymous", Target::Others, false).accepts(401));
  EXPECT_FALSE(expected(r, "anonymous", Target::Others, false).accepts(200));
  EXPECT_EQ(expected(r, "anonymous", Target::Own, false).kind, Expectation::Kind::NotApplicable);
  EXPECT_TRUE(expected(r, "driver", Target::Others, false).accepts(403));
  EXPECT_FALSE(expected(r, "driver", Target::Others, false).accepts(404));
  EXPECT_TRUE(expected(r, "customer", Target::Own, true).accepts(200));
  EXPECT_TRUE(expected(r, "customer", Target::Own, true).accepts(409));
  EXPECT_FALSE(expected(r, "customer", Target::Own, true).accepts(404));
  EXPECT_FALSE(expected(r, "customer", Target::Own, true).accepts(500));
  EXPECT_TRUE(expected(r, "customer", Target::Others, true).accepts(404));
  EXPECT_FALSE(expected(r, "customer", Target::Others, true).accepts(200)) << "another's order must not be reached";
  EXPECT_FALSE(expected(r, "customer", Target::Others, true).accepts(403)) << "403 leaks that it exists";
  EXPECT_TRUE(expected(r, "admin", Target::Others, false).accepts(200));
  EXPECT_EQ(expected(r, "admin", Target::Own, false).kind, Expectation::Kind::NotApplicable);
  EXPECT_EQ(expected(r, "customer", Target::OthersUnderOwn, true).kind, Expectation::Kind::NotApplicable)
      << "one object in the path: no parent";
}

TEST(AuthorizationMatrix, SelfCheck_OthersObjectUnderOwnParentIsNotFound) {
  auto r = synthetic("/merchants/{id}/products/{product_id}", json::array{}, nullptr,
                     {{"scope", "object"}, {"object", "product"}, {"others", "visible"}, {"admins", "reach_all"}});
  EXPECT_TRUE(matrix::expected(r, "merchant", Target::Others, true).accepts(200)) << "anyone's product is visible";
  EXPECT_TRUE(matrix::expected(r, "merchant", Target::OthersUnderOwn, true).accepts(404));
  EXPECT_FALSE(matrix::expected(r, "merchant", Target::OthersUnderOwn, true).accepts(200))
      << "another merchant's product under my merchant's path names nothing";
  EXPECT_EQ(matrix::expected(r, "merchant", Target::OthersUnderOwn, false).kind, Expectation::Kind::NotApplicable);
}

TEST(AuthorizationMatrix, SelfCheck_PublicSelfAndUndeclaredRoutes) {
  auto catalog = synthetic("/merchants/{id}", json::array{}, nullptr,
                           {{"scope", "object"}, {"object", "merchant"}, {"others", "visible"}, {"admins", "reach_all"}});
  EXPECT_TRUE(matrix::expected(catalog, "anonymous", Target::Others, false).accepts(200));
  EXPECT_FALSE(matrix::expected(catalog, "anonymous", Target::Others, false).accepts(404));
  auto me = synthetic("/users/me", kBearer, nullptr, {{"scope", "self"}});
  EXPECT_TRUE(matrix::expected(me, "anonymous", Target::Own, false).accepts(401));
  EXPECT_TRUE(matrix::expected(me, "driver", Target::Own, false).accepts(422));
  EXPECT_FALSE(matrix::expected(me, "driver", Target::Own, false).accepts(403));
  EXPECT_EQ(matrix::expected(me, "driver", Target::Others, false).kind, Expectation::Kind::NotApplicable);
  EXPECT_FALSE(synthetic("/x", kBearer, nullptr, {{"scope", "undeclared"}}).declared());
  EXPECT_FALSE(synthetic("/x", kBearer, nullptr, json::object{}).declared());
}

TEST(AuthorizationMatrix, SelfCheck_MinimalInstanceSatisfiesTheSchema) {
  json::value schema = {{"type", "object"},
                        {"required", json::array{"price", "roles"}},
                        {"minProperties", 3},
                        {"properties",
                         {{"name", {{"type", "string"}, {"minLength", 3}}},
                          {"price",
                           {{"type", "object"},
                            {"required", json::array{"amount", "currency"}},
                            {"properties",
                             {{"amount", {{"type", "integer"}, {"minimum", 1}}},
                              {"currency", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}}}}}},
                          {"roles", {{"type", "array"}, {"minItems", 1}, {"items", {{"enum", json::array{"customer"}}}}}}}}};
  json::value want = {{"price", {{"amount", 1}, {"currency", "EUR"}}}, {"roles", json::array{"customer"}}, {"name", "xxx"}};
  EXPECT_EQ(minimal_instance(schema, json::object{}), want);
}

}  // namespace
}  // namespace nelo::test
