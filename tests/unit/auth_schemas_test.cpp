// Request DTOs of /api/v1/auth: strict parsing, mass assignment refused, every problem at once;
// responses and cursors.

#include "modules/auth/api/v1/schemas.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "core/http/request.hpp"
#include "modules/auth/services/user_admin_service.hpp"

namespace nelo::auth::api::v1 {
namespace {

namespace json = boost::json;

json::object body(std::string_view text) { return json::parse(text).as_object(); }

std::vector<std::string> fields_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    std::vector<std::string> out;
    for (const auto& error : e.errors()) out.push_back(error.field);
    return out;
  }
  ADD_FAILURE() << "no ValidationError";
  return {};
}

TEST(AuthSchemas, RegistrationDefaultsToCustomerAndNormalises) {
  auto r = parse_registration(body(R"({"email":" Ana@Example.com ","password":"correct horse battery","name":" Ana "})"));
  EXPECT_EQ(r.email, "ana@example.com");
  EXPECT_EQ(r.name, "Ana");
  EXPECT_EQ(r.role, "customer");
  EXPECT_EQ(r.password, "correct horse battery");
  auto driver = parse_registration(
      body(R"({"email":"d@example.com","password":"correct horse battery","name":"D","role":"driver"})"));
  EXPECT_EQ(driver.role, "driver");
}

TEST(AuthSchemas, RegistrationRefusesMassAssignment) {
  const std::string base = R"("email":"a@example.com","password":"correct horse battery","name":"A")";
  EXPECT_EQ(fields_of([&] { parse_registration(body("{" + base + R"(,"role":"admin"})")); }),
            std::vector<std::string>{"role"});
  for (const char* field : {"id", "roles", "user_id", "disabled_at", "created_at", "password_hash"}) {
    auto text = "{" + base + ",\"" + field + "\":\"x\"}";
    EXPECT_EQ(fields_of([&] { parse_registration(body(text)); }), std::vector<std::string>{field}) << field;
  }
  EXPECT_EQ(fields_of([&] { parse_registration(body("{" + base + R"(,"role":"root"})")); }),
            std::vector<std::string>{"role"});
}

TEST(AuthSchemas, RegistrationReportsEveryProblemAtOnce) {
  auto fields = fields_of([] { parse_registration(body(R"({"email":"nope","password":"short","name":"","extra":1})")); });
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"email", "extra", "name", "password"}));
  auto missing = fields_of([] { parse_registration(body("{}")); });
  std::sort(missing.begin(), missing.end());
  EXPECT_EQ(missing, (std::vector<std::string>{"email", "name", "password"}));
  EXPECT_EQ(fields_of([] { parse_registration(body(R"({"email":1,"password":true,"name":[]})")); }).size(), 3u);
}

TEST(AuthSchemas, RegistrationPasswordLengthIsInCodePointsAndNeverTrimmed) {
  const std::string key = "\xF0\x9F\x94\x91";
  std::string twelve_keys;
  for (int i = 0; i < 12; ++i) twelve_keys += key;
  auto r = parse_registration(
      body(R"({"email":"k@example.com","name":"K","password":")" + twelve_keys + R"("})"));
  EXPECT_EQ(r.password, twelve_keys);
  auto padded = parse_registration(body(R"({"email":"k@example.com","name":"K","password":"  twelve chars  "})"));
  EXPECT_EQ(padded.password, "  twelve chars  ");
  std::string long_password(129, 'x');
  EXPECT_EQ(fields_of([&] {
              parse_registration(body(R"({"email":"k@example.com","name":"K","password":")" + long_password + R"("})"));
            }),
            std::vector<std::string>{"password"});
}

TEST(AuthSchemas, LoginRefreshPasswordAndRoles) {
  auto login = parse_login(body(R"({"email":"a@example.com","password":"x"})"));
  EXPECT_EQ(login.email, "a@example.com");
  EXPECT_EQ(fields_of([] { parse_login(body(R"({"email":"a@example.com","password":"x","role":"admin"})")); }),
            std::vector<std::string>{"role"});
  EXPECT_EQ(fields_of([] { parse_login(body(R"({"email":"a@example.com"})")); }), std::vector<std::string>{"password"});

  EXPECT_EQ(parse_refresh(body(R"({"refresh_token":"abc"})")), "abc");
  EXPECT_EQ(fields_of([] { parse_refresh(body(R"({"refresh_token":1})")); }), std::vector<std::string>{"refresh_token"});

  auto change = parse_password_change(body(R"({"current_password":"old","new_password":"a new passphrase"})"));
  EXPECT_EQ(change.current_password, "old");
  EXPECT_EQ(fields_of([] { parse_password_change(body(R"({"current_password":"old","new_password":"short"})")); }),
            std::vector<std::string>{"new_password"});

  EXPECT_EQ(parse_roles(body(R"({"roles":["driver","admin"]})")), (std::vector<std::string>{"driver", "admin"}));
  EXPECT_EQ(fields_of([] { parse_roles(body(R"({"roles":[]})")); }), std::vector<std::string>{"roles"});
  EXPECT_EQ(fields_of([] { parse_roles(body(R"({"roles":["driver","root",3]})")); }),
            (std::vector<std::string>{"roles[1]", "roles[2]"}));
}

TEST(AuthSchemas, LogoutBodyIsOptional) {
  http::Request empty;
  EXPECT_EQ(parse_logout(empty), std::nullopt);
  http::Request with_token;
  with_token.headers = {{"content-type", "application/json"}};
  with_token.body = R"({"refresh_token":"abc"})";
  EXPECT_EQ(parse_logout(with_token), std::optional<std::string>("abc"));
  http::Request unknown;
  unknown.headers = {{"content-type", "application/json"}};
  unknown.body = R"({"everything":true})";
  EXPECT_THROW(parse_logout(unknown), ValidationError);
}

TEST(AuthSchemas, UserListQueryClampsTheLimit) {
  http::Request r;
  EXPECT_EQ(parse_user_list_query(r).limit, 20u);
  r.query_params = {{"limit", "1000"}, {"role", "driver"}, {"email", "A@x.com"}, {"cursor", "c"}};
  auto q = parse_user_list_query(r);
  EXPECT_EQ(q.limit, 100u);
  EXPECT_EQ(q.filter.role, std::optional<std::string>("driver"));
  EXPECT_EQ(q.filter.email, std::optional<std::string>("A@x.com"));
  EXPECT_EQ(q.cursor, std::optional<std::string>("c"));
  r.query_params = {{"limit", "99999999999999999999999"}};
  EXPECT_EQ(parse_user_list_query(r).limit, 100u);
  for (const char* bad : {"0", "-1", "ten", "5x", ""}) {
    r.query_params = {{"limit", bad}};
    EXPECT_THROW(parse_user_list_query(r), ValidationError) << bad;
  }
}

TEST(AuthSchemas, ResponsesUseMillisecondTimestampsAndNulls) {
  User user;
  user.id = "018f3c1e-0000-7000-8000-000000000001";
  user.email = "a@example.com";
  user.name = "A";
  user.roles = {"customer"};
  user.created_at = *parse_timestamp("2026-11-25T14:03:27.512345Z");
  user.updated_at = user.created_at;
  auto registered = registered_user_json(user);
  EXPECT_EQ(registered.at("created_at").as_string(), "2026-11-25T14:03:27.512Z");
  EXPECT_FALSE(registered.contains("password_hash"));
  EXPECT_FALSE(registered.contains("disabled_at"));
  auto admin = admin_user_json(user);
  EXPECT_TRUE(admin.at("disabled_at").is_null());
  EXPECT_EQ(admin.at("disabled").as_bool(), false);

  TokenPair tokens;
  tokens.access_token = "a";
  tokens.refresh_token = "r";
  tokens.expires_in = 900;
  auto pair = token_pair_json(tokens);
  EXPECT_EQ(pair.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(pair.at("expires_in").as_int64(), 900);
}

TEST(AuthUserCursor, RoundTripsAndRefusesForgeries) {
  const std::string id = "018f3c1e-0000-7000-8000-000000000001";
  EXPECT_EQ(decode_user_cursor(encode_user_cursor(id)), std::optional<std::string>(id));
  EXPECT_EQ(decode_user_cursor("not a cursor"), std::nullopt);
  EXPECT_EQ(decode_user_cursor(""), std::nullopt);
  EXPECT_EQ(decode_user_cursor(encode_user_cursor("'; DROP TABLE auth.users; --")), std::nullopt);
}

}  // namespace
}  // namespace nelo::auth::api::v1
