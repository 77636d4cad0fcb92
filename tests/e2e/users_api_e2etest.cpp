// Black-box tests of the users API on the real `nelo` binary and a real PostgreSQL, with real
// accounts and tokens from the auth module: register -> login -> profile (created by the
// user.registered event) -> addresses; ownership and mass assignment.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Account {
  std::string id;
  std::string email;
  std::string token;
};

class UsersE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}, {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 15s); }

  // Registers, logs in and waits for the profile the user.registered event creates.
  Account sign_up(const std::string& name) {
    static int counter = 0;
    Account account;
    account.email = "users-e2e-" + std::to_string(++counter) + "@example.com";  // a fresh database per suite
    const std::string password = "correct horse battery staple";
    auto c = client();
    auto registered = c.post_json("/api/v1/auth/register",
                                  json::object{{"email", account.email}, {"password", password}, {"name", name}});
    EXPECT_EQ(registered.status, 201) << registered.body;
    account.id = std::string(registered.json().at("id").as_string());
    auto login = c.post_json("/api/v1/auth/login", json::object{{"email", account.email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body;
    account.token = std::string(login.json().at("access_token").as_string());
    wait_for_profile(account);
    return account;
  }

  void wait_for_profile(const Account& account) {
    auto c = client();
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (true) {
      auto r = c.get("/api/v1/users/me", auth(account));
      if (r.status == 200) return;
      ASSERT_EQ(r.status, 404) << r.body;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the profile was never created";
      std::this_thread::sleep_for(50ms);
    }
  }

  static Headers auth(const Account& a) { return {bearer(a.token)}; }
  static Headers json_auth(const Account& a) { return {bearer(a.token), {"Content-Type", "application/json"}}; }

  HttpResponse send(const std::string& method, const std::string& target, const Account& a,
                    const std::string& body = {}) {
    return client().request(method, target, body, body.empty() ? auth(a) : json_auth(a));
  }

  static std::string address_body(const std::string& label) {
    return R"({"label": ")" + label +
           R"(", "line1": "10 rue de Rivoli", "city": "Paris", "postal_code": "75004", "country": "FR",
               "lat": 48.8559, "lng": 2.3601, "instructions": "Code 4521B"})";
  }

  std::string row(const std::string& sql) { return db_->value(sql); }

  static TestDatabase* db_;
  static NeloProcess* server_;
};
TestDatabase* UsersE2E::db_ = nullptr;
NeloProcess* UsersE2E::server_ = nullptr;

TEST_F(UsersE2E, RegisterLoginProfileAndPatch) {
  const Account me = sign_up("Élodie Martin");
  auto profile = send("GET", "/api/v1/users/me", me);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(profile.json().at("id").as_string(), me.id);
  EXPECT_EQ(profile.json().at("email").as_string(), me.email);
  EXPECT_EQ(profile.json().at("name").as_string(), "Élodie Martin");
  EXPECT_EQ(profile.json().at("locale").as_string(), "fr");
  EXPECT_TRUE(profile.json().at("phone").is_null());

  auto patched = send("PATCH", "/api/v1/users/me", me, R"({"name": "Élodie M.", "phone": "+33612345678", "locale": "en"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto again = send("GET", "/api/v1/users/me", me);
  EXPECT_EQ(again.json().at("name").as_string(), "Élodie M.");
  EXPECT_EQ(again.json().at("phone").as_string(), "+33612345678");
  EXPECT_EQ(again.json().at("locale").as_string(), "en");
}

TEST_F(UsersE2E, AddressesCrud) {
  const Account me = sign_up("Crud");
  auto created = send("POST", "/api/v1/users/me/addresses", me, address_body("Home"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string home(created.json().at("id").as_string());
  EXPECT_EQ(created.header("location").value_or(""), "/api/v1/users/me/addresses/" + home);
  EXPECT_TRUE(created.json().at("is_default").as_bool());

  auto work = send("POST", "/api/v1/users/me/addresses", me, address_body("Work"));
  ASSERT_EQ(work.status, 201) << work.body;
  const std::string work_id(work.json().at("id").as_string());
  EXPECT_FALSE(work.json().at("is_default").as_bool());

  auto list = send("GET", "/api/v1/users/me/addresses?limit=1", me);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json().at("items").as_array().size(), 1u);
  ASSERT_TRUE(list.json().at("next_cursor").is_string());
  auto second = send("GET", "/api/v1/users/me/addresses?limit=1&cursor=" +
                                std::string(list.json().at("next_cursor").as_string()),
                     me);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("items").as_array().at(0).at("id").as_string(), home);
  EXPECT_TRUE(second.json().at("next_cursor").is_null());

  auto make_default = send("PATCH", "/api/v1/users/me/addresses/" + work_id, me, R"({"is_default": true})");
  ASSERT_EQ(make_default.status, 200) << make_default.body;
  EXPECT_EQ(row("SELECT count(*) FROM users.addresses WHERE is_default AND user_id = '" + me.id + "'"), "1");
  EXPECT_EQ(row("SELECT id FROM users.addresses WHERE is_default AND user_id = '" + me.id + "'"), work_id);

  EXPECT_EQ(send("DELETE", "/api/v1/users/me/addresses/" + work_id, me).status, 204);
  auto remaining = send("GET", "/api/v1/users/me/addresses/" + home, me);
  ASSERT_EQ(remaining.status, 200) << remaining.body;
  EXPECT_TRUE(remaining.json().at("is_default").as_bool());
  EXPECT_EQ(row("SELECT ST_AsText(location) FROM users.addresses WHERE id = '" + home + "'"),
            "POINT(2.3601 48.8559)");
}

TEST_F(UsersE2E, AnotherUsersAddressIs404AndUnchangedInTheDatabase) {
  const Account alice = sign_up("Alice");
  const Account mallory = sign_up("Mallory");
  auto created = send("POST", "/api/v1/users/me/addresses", alice, address_body("Alice's home"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  const std::string select = "SELECT row_to_json(a)::text FROM users.addresses a WHERE id = '" + id + "'";
  const std::string before = row(select);

  const std::string target = "/api/v1/users/me/addresses/" + id;
  expect_problem(send("GET", target, mallory), 404);
  expect_problem(send("PATCH", target, mallory, R"({"label": "Pwned", "is_default": true})"), 404);
  expect_problem(send("DELETE", target, mallory), 404);
  EXPECT_TRUE(send("GET", "/api/v1/users/me/addresses", mallory).json().at("items").as_array().empty());

  EXPECT_EQ(row(select), before);
  EXPECT_EQ(send("GET", target, alice).status, 200);
}

TEST_F(UsersE2E, AnIdempotencyKeyMakesAddingAnAddressSafeToRetry) {
  const Account me = sign_up("Retry");
  const Account other = sign_up("Other");
  const std::string path = "/api/v1/users/me/addresses";
  auto keyed = [&](const Account& who, const std::string& key, const std::string& body) {
    Headers headers = json_auth(who);
    headers.emplace_back("Idempotency-Key", key);
    return client().request("POST", path, body, headers);
  };
  auto first = keyed(me, "address-key-1", address_body("Home"));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.header("idempotent-replayed"));
  for (int i = 0; i < 3; ++i) {
    auto again = keyed(me, "address-key-1", address_body("Home"));
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body) << "byte-identical";
    EXPECT_EQ(again.header("location"), first.header("location"));
    EXPECT_EQ(again.header("idempotent-replayed").value_or(""), "true");
  }
  EXPECT_EQ(row("SELECT count(*) FROM users.addresses WHERE user_id = '" + me.id + "'"), "1");

  // The key is bound to its first body; another user's identical key is theirs.
  auto reused = keyed(me, "address-key-1", address_body("Work"));
  expect_problem(reused, 422);
  EXPECT_EQ(reused.json().at("type").as_string(), "/problems/idempotency-key-reused");
  EXPECT_EQ(keyed(other, "address-key-1", address_body("Home")).status, 201);
  expect_problem(keyed(me, "has space", address_body("Home")), 400);

  // Without a key every POST adds one.
  EXPECT_EQ(send("POST", path, me, address_body("Work")).status, 201);
  EXPECT_EQ(send("POST", path, me, address_body("Work")).status, 201);
  EXPECT_EQ(row("SELECT count(*) FROM users.addresses WHERE user_id = '" + me.id + "'"), "3");

  // A refusal is not remembered: the same key works once the request is valid... with that body.
  auto refused = keyed(me, "address-key-2", R"({"label": "Nowhere"})");
  expect_problem(refused, 422);
  EXPECT_EQ(keyed(me, "address-key-2", address_body("Later")).status, 201);
}

TEST_F(UsersE2E, MassAssignmentIs422AndChangesNothing) {
  const Account me = sign_up("Mass");
  const Account other = sign_up("Other");
  const std::string profile_sql = "SELECT row_to_json(p)::text FROM users.profiles p WHERE user_id = '" + me.id + "'";
  const std::string before = row(profile_sql);
  const std::vector<std::string> bodies = {R"({"name": "x", "role": "admin"})", R"({"name": "x", "roles": ["admin"]})",
                                           R"({"name": "x", "id": ")" + other.id + "\"}",
                                           R"({"name": "x", "user_id": ")" + other.id + "\"}",
                                           R"({"email": "admin@example.com"})"};
  for (const std::string& body : bodies) {
    auto r = send("PATCH", "/api/v1/users/me", me, body);
    expect_problem(r, 422);
  }
  EXPECT_EQ(row(profile_sql), before);

  json::object address = json::parse(address_body("Home")).as_object();
  address["user_id"] = other.id;
  expect_problem(send("POST", "/api/v1/users/me/addresses", me, json::serialize(address)), 422);
  EXPECT_EQ(row("SELECT count(*) FROM users.addresses WHERE user_id IN ('" + me.id + "', '" + other.id + "')"), "0");
}

TEST_F(UsersE2E, WithoutATokenEverythingIs401) {
  auto c = client();
  expect_problem(c.get("/api/v1/users/me"), 401);
  expect_problem(c.get("/api/v1/users/me/addresses"), 401);
  expect_problem(c.get("/api/v1/users/me", {bearer("not.a.jwt")}), 401);
}

TEST_F(UsersE2E, OpenApiDocumentsTheUsersRoutes) {
  auto spec = client().get("/openapi.json");
  ASSERT_EQ(spec.status, 200);
  const json::value doc = spec.json();
  const auto& paths = doc.at("paths").as_object();
  for (const char* path : {"/api/v1/users/me", "/api/v1/users/me/addresses", "/api/v1/users/me/addresses/{id}"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  EXPECT_TRUE(paths.at("/api/v1/users/me").as_object().contains("patch"));
  EXPECT_TRUE(paths.at("/api/v1/users/me/addresses/{id}").as_object().contains("delete"));
  // A documented problem answer carries the Problem schema, like the standard ones.
  const auto& not_found = paths.at("/api/v1/users/me/addresses/{id}").at("get").at("responses").at("404");
  EXPECT_EQ(not_found.at("content").at("application/problem+json").at("schema").at("$ref").as_string(),
            "#/components/schemas/Problem");
}

}  // namespace
}  // namespace nelo::test
