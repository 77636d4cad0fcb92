// /api/v1/users over HTTP, in-process: the real router, server, users module and PostgreSQL,
// with a stub token verifier ("token-<user id>" is that user). The same scenarios run against
// the real binary with real tokens in tests/e2e/users_api_e2etest.cpp.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <algorithm>
#include <future>
#include <optional>

#include "core/errors.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/json.hpp"
#include "core/security/token_verifier.hpp"
#include "support/http_client.hpp"
#include "support/problem_checks.hpp"
#include "support/users_fixture.hpp"

namespace nelo::users::test {
namespace {

using ::testing::Contains;
using nelo::test::bearer;
using nelo::test::error_fields;
using nelo::test::expect_problem;
using nelo::test::Headers;
using nelo::test::HttpClient;
using nelo::test::HttpResponse;

class StubVerifier final : public AccessTokenVerifier {
 public:
  Principal verify(std::string_view token) const override {
    if (token.starts_with("token-")) {
      Principal p;
      p.user_id = std::string(token.substr(6));
      p.roles = {"customer"};
      p.token_id = "jti";
      return p;
    }
    throw Unauthorized("The access token is not valid");
  }
};

class UsersRoutes : public UsersDbTest {
 protected:
  void SetUp() override {
    UsersDbTest::SetUp();
    module_->register_routes(router_);
    http::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<http::Server>(io_, options, router_, &verifier_, registry_);
    server_->start();
    // The migrations ran io_ to completion; from here on it serves until TearDown.
    io_.restart();
    work_.emplace(io_.get_executor());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  void TearDown() override {
    auto done = std::make_shared<std::promise<void>>();
    auto stopped = done->get_future();
    server_->stop([done] { done->set_value(); });
    stopped.wait_for(5s);
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    UsersDbTest::TearDown();
  }

  // A user with a profile, created in the database directly (the bus is not running here).
  std::string user_with_profile(const std::string& name = "Élodie Martin") {
    const std::string id = new_uuid();
    database_.exec("INSERT INTO users.profiles (user_id, email, name) VALUES ('" + id + "', 'u-" + id.substr(0, 8) +
                   "@example.com', '" + name + "')");
    return id;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 10s); }

  static Headers auth(const std::string& user_id) { return {bearer("token-" + user_id)}; }
  static Headers json_auth(const std::string& user_id) {
    return {bearer("token-" + user_id), {"Content-Type", "application/json"}};
  }

  HttpResponse send(const std::string& method, const std::string& target, const std::string& user_id,
                    const std::string& body = {}) {
    return client().request(method, target, body, body.empty() ? auth(user_id) : json_auth(user_id));
  }

  static std::string address_body(const std::string& label = "Home") {
    return R"({"label": ")" + label +
           R"(", "line1": "10 rue de Rivoli", "line2": null, "city": "Paris", "postal_code": "75001",
               "country": "fr", "lat": 48.8559, "lng": 2.3601, "instructions": "Code 4521B\nThird floor"})";
  }

  std::string create_address(const std::string& user_id, const std::string& label = "Home") {
    auto r = send("POST", "/api/v1/users/me/addresses", user_id, address_body(label));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().at("id").as_string());
  }

  std::string address_row(const std::string& id) {
    return value("SELECT row_to_json(a)::text FROM users.addresses a WHERE id = '" + id + "'");
  }

  http::Router router_;
  StubVerifier verifier_;
  std::unique_ptr<http::Server> server_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

// --- /users/me ---

TEST_F(UsersRoutes, EveryRouteNeedsAToken) {
  auto c = client();
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/users/me"},
           {"PATCH", "/api/v1/users/me"},
           {"GET", "/api/v1/users/me/addresses"},
           {"POST", "/api/v1/users/me/addresses"},
           {"GET", "/api/v1/users/me/addresses/0190f5d2-7b1c-7a3e-9f00-0123456789ab"},
           {"PATCH", "/api/v1/users/me/addresses/0190f5d2-7b1c-7a3e-9f00-0123456789ab"},
           {"DELETE", "/api/v1/users/me/addresses/0190f5d2-7b1c-7a3e-9f00-0123456789ab"}}) {
    expect_problem(c.request(method, path), 401);
    expect_problem(c.request(method, path, {}, {bearer("forged")}), 401);
  }
}

TEST_F(UsersRoutes, GetMeReturnsTheProfile) {
  const std::string me = user_with_profile("Élodie Martin");
  auto r = send("GET", "/api/v1/users/me", me);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(body.at("id").as_string(), me);
  EXPECT_EQ(body.at("name").as_string(), "Élodie Martin");
  EXPECT_TRUE(body.at("phone").is_null());
  EXPECT_EQ(body.at("locale").as_string(), "fr");
  const std::string created_at(body.at("created_at").as_string());
  EXPECT_EQ(created_at.back(), 'Z');
  EXPECT_LE(created_at.size(), 24u) << "milliseconds at most: " << created_at;
}

TEST_F(UsersRoutes, GetMeBeforeTheProfileExistsIs404WithAClearDetail) {
  auto r = send("GET", "/api/v1/users/me", new_uuid());
  expect_problem(r, 404);
  EXPECT_NE(std::string(r.json().at("detail").as_string()).find("created shortly after registration"),
            std::string::npos)
      << r.body;
}

TEST_F(UsersRoutes, PatchMeUpdatesAndReturnsTheProfile) {
  const std::string me = user_with_profile();
  auto r = send("PATCH", "/api/v1/users/me", me, R"({"name": "Élodie M.", "phone": "+33612345678", "locale": "en"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("name").as_string(), "Élodie M.");
  EXPECT_EQ(r.json().at("phone").as_string(), "+33612345678");
  EXPECT_EQ(r.json().at("locale").as_string(), "en");
  auto cleared = send("PATCH", "/api/v1/users/me", me, R"({"phone": null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json().at("phone").is_null());
  EXPECT_EQ(send("GET", "/api/v1/users/me", me).json().at("name").as_string(), "Élodie M.");
}

TEST_F(UsersRoutes, PatchMeMassAssignmentIs422AndChangesNothing) {
  const std::string me = user_with_profile("Original");
  const std::string before = value("SELECT row_to_json(p)::text FROM users.profiles p WHERE user_id = '" + me + "'");
  const std::string other = new_uuid();
  const std::vector<std::string> bodies = {
      R"({"name": "Hacked", "role": "admin"})", R"({"name": "Hacked", "roles": ["admin"]})",
      R"({"name": "Hacked", "id": ")" + other + R"("})", R"({"name": "Hacked", "user_id": ")" + other + R"("})",
      R"({"name": "Hacked", "email": "admin@nelo.example"})", R"({"created_at": "2000-01-01T00:00:00Z"})"};
  for (const std::string& body : bodies) {
    auto r = send("PATCH", "/api/v1/users/me", me, body);
    expect_problem(r, 422);
    EXPECT_EQ(r.json().at("type").as_string(), "/problems/validation-error");
  }
  EXPECT_EQ(value("SELECT row_to_json(p)::text FROM users.profiles p WHERE user_id = '" + me + "'"), before);
}

TEST_F(UsersRoutes, PatchMeValidationErrorsAreListed) {
  const std::string me = user_with_profile();
  auto empty = send("PATCH", "/api/v1/users/me", me, "{}");
  expect_problem(empty, 422);
  EXPECT_THAT(error_fields(empty), Contains("body"));
  auto bad = send("PATCH", "/api/v1/users/me", me, R"({"phone": "0612345678", "locale": "de"})");
  expect_problem(bad, 422);
  EXPECT_THAT(error_fields(bad), Contains("phone"));
  EXPECT_THAT(error_fields(bad), Contains("locale"));
  expect_problem(send("PATCH", "/api/v1/users/me", me, "[1]"), 422);
  expect_problem(send("PATCH", "/api/v1/users/me", me, "{"), 400);
  expect_problem(client().request("PATCH", "/api/v1/users/me", R"({"name": "x"})", auth(me)), 415);
}

// --- addresses ---

TEST_F(UsersRoutes, AddressCrud) {
  const std::string me = user_with_profile();
  auto created = send("POST", "/api/v1/users/me/addresses", me, address_body("Home"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto home = created.json().as_object();
  const std::string id(home.at("id").as_string());
  EXPECT_EQ(created.header("location").value_or(""), "/api/v1/users/me/addresses/" + id);
  EXPECT_EQ(home.at("country").as_string(), "FR");
  EXPECT_EQ(home.at("lat").as_double(), 48.8559);
  EXPECT_EQ(home.at("lng").as_double(), 2.3601);
  EXPECT_TRUE(home.at("line2").is_null());
  EXPECT_EQ(home.at("instructions").as_string(), "Code 4521B\nThird floor");
  EXPECT_TRUE(home.at("is_default").as_bool());

  auto one = send("GET", "/api/v1/users/me/addresses/" + id, me);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json().as_object(), home);

  auto patched = send("PATCH", "/api/v1/users/me/addresses/" + id, me,
                      R"({"label": "Maison", "instructions": null, "lat": 45.764043, "lng": 4.835659})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("label").as_string(), "Maison");
  EXPECT_TRUE(patched.json().at("instructions").is_null());
  EXPECT_EQ(patched.json().at("lat").as_double(), 45.764043);

  const std::string work = create_address(me, "Work");
  auto list = send("GET", "/api/v1/users/me/addresses", me);
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value list_body = list.json();
  const auto& items = list_body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_string(), work) << "newest first";
  EXPECT_TRUE(list.json().at("next_cursor").is_null());

  auto make_default = send("PATCH", "/api/v1/users/me/addresses/" + work, me, R"({"is_default": true})");
  ASSERT_EQ(make_default.status, 200) << make_default.body;
  EXPECT_FALSE(send("GET", "/api/v1/users/me/addresses/" + id, me).json().at("is_default").as_bool());

  auto unset = send("PATCH", "/api/v1/users/me/addresses/" + work, me, R"({"is_default": false})");
  expect_problem(unset, 409);

  auto deleted = send("DELETE", "/api/v1/users/me/addresses/" + work, me);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(deleted.body.empty());
  expect_problem(send("GET", "/api/v1/users/me/addresses/" + work, me), 404);
  EXPECT_TRUE(send("GET", "/api/v1/users/me/addresses/" + id, me).json().at("is_default").as_bool())
      << "the remaining address became the default";
  expect_problem(send("DELETE", "/api/v1/users/me/addresses/" + work, me), 404);  // deleting twice
}

TEST_F(UsersRoutes, AnotherUsersAddressIs404AndUnchanged) {
  const std::string alice = user_with_profile("Alice");
  const std::string mallory = user_with_profile("Mallory");
  const std::string home = create_address(alice, "Home");
  const std::string before = address_row(home);
  const std::string target = "/api/v1/users/me/addresses/" + home;

  auto get = send("GET", target, mallory);
  expect_problem(get, 404);
  auto missing = send("GET", "/api/v1/users/me/addresses/" + new_uuid(), mallory);
  EXPECT_EQ(get.json().at("title"), missing.json().at("title")) << "indistinguishable from a missing id";
  expect_problem(send("PATCH", target, mallory, R"({"label": "Pwned", "is_default": true})"), 404);
  expect_problem(send("DELETE", target, mallory), 404);

  EXPECT_EQ(address_row(home), before);
  auto list = send("GET", "/api/v1/users/me/addresses", mallory);
  EXPECT_TRUE(list.json().at("items").as_array().empty());
}

TEST_F(UsersRoutes, MalformedAddressIdIs404) {
  const std::string me = user_with_profile();
  for (const char* id : {"42", "not-a-uuid", "0190f5d2-7b1c-7a3e-9f00-0123456789ab%27%3B--"}) {
    const std::string target = std::string("/api/v1/users/me/addresses/") + id;
    expect_problem(send("GET", target, me), 404);
    expect_problem(send("PATCH", target, me, R"({"label": "x"})"), 404);
    expect_problem(send("DELETE", target, me), 404);
  }
}

TEST_F(UsersRoutes, AddressMassAssignmentIs422AndCreatesNothing) {
  const std::string me = user_with_profile();
  const std::string other = user_with_profile("Other");
  json::object body = parse_json_strict(address_body()).as_object();
  body["user_id"] = other;
  auto r = send("POST", "/api/v1/users/me/addresses", me, json::serialize(body));
  expect_problem(r, 422);
  EXPECT_THAT(error_fields(r), Contains("user_id"));
  body.erase("user_id");
  body["id"] = new_uuid();
  expect_problem(send("POST", "/api/v1/users/me/addresses", me, json::serialize(body)), 422);
  EXPECT_EQ(value("SELECT count(*) FROM users.addresses"), "0");

  const std::string home = create_address(me);
  const std::string before = address_row(home);
  auto patch = send("PATCH", "/api/v1/users/me/addresses/" + home, me, R"({"label": "x", "user_id": ")" + other + "\"}");
  expect_problem(patch, 422);
  EXPECT_EQ(address_row(home), before);
}

TEST_F(UsersRoutes, AddressValidationErrorsAreListed) {
  const std::string me = user_with_profile();
  auto r = send("POST", "/api/v1/users/me/addresses", me,
                R"({"label": "", "line1": "x", "city": "Paris", "postal_code": "75001", "country": "UK",
                    "lat": 123, "lng": -200})");
  expect_problem(r, 422);
  for (const char* field : {"label", "country", "lat", "lng"}) EXPECT_THAT(error_fields(r), Contains(field)) << field;
  expect_problem(send("PATCH", "/api/v1/users/me/addresses/" + create_address(me), me, "{}"), 422);
}

TEST_F(UsersRoutes, AddressBeforeTheProfileExistsIs404) {
  auto r = send("POST", "/api/v1/users/me/addresses", new_uuid(), address_body());
  expect_problem(r, 404);
  EXPECT_EQ(value("SELECT count(*) FROM users.addresses"), "0");
}

TEST_F(UsersRoutes, ListPagesWithCursorAndClampsLimit) {
  const std::string me = user_with_profile();
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(create_address(me, "A" + std::to_string(i)));
  std::vector<std::string> seen;
  std::string target = "/api/v1/users/me/addresses?limit=2";
  for (int page = 0; page < 5; ++page) {
    auto r = send("GET", target, me);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value page_body = r.json();
    for (const auto& item : page_body.at("items").as_array()) seen.emplace_back(item.at("id").as_string());
    const auto& next = page_body.at("next_cursor");
    if (next.is_null()) break;
    target = "/api/v1/users/me/addresses?limit=2&cursor=" + std::string(next.as_string());
  }
  EXPECT_EQ(seen, std::vector<std::string>(created.rbegin(), created.rend()));

  auto clamped = send("GET", "/api/v1/users/me/addresses?limit=1000", me);
  ASSERT_EQ(clamped.status, 200) << clamped.body;
  EXPECT_EQ(clamped.json().at("items").as_array().size(), 5u);
  expect_problem(send("GET", "/api/v1/users/me/addresses?limit=0", me), 422);
  expect_problem(send("GET", "/api/v1/users/me/addresses?limit=abc", me), 422);
  expect_problem(send("GET", "/api/v1/users/me/addresses?cursor=forged", me), 422);
}

TEST_F(UsersRoutes, RoutesAreDocumented) {
  int documented = 0;
  for (const auto& route : router_.routes()) {
    if (route.module != "users") continue;
    ++documented;
    EXPECT_FALSE(route.doc.summary.empty()) << route.method << " " << route.path;
    EXPECT_FALSE(route.doc.responses.empty()) << route.method << " " << route.path;
    EXPECT_EQ(route.policy.kind(), http::Policy::Kind::Authenticated) << route.method << " " << route.path;
  }
  EXPECT_EQ(documented, 7);
}

}  // namespace
}  // namespace nelo::users::test
