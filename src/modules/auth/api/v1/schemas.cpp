#include "modules/auth/api/v1/schemas.hpp"

#include <boost/json/array.hpp>


#include "core/errors.hpp"
#include "core/http/request.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "modules/auth/services/credential_rules.hpp"
#include "modules/auth/services/user_admin_service.hpp"

namespace nelo::auth::api::v1 {

namespace json = boost::json;

namespace {

std::string timestamp(Timestamp t) { return to_rfc3339_millis(t); }

json::value nullable_timestamp(const std::optional<Timestamp>& t) {
  return t ? json::value(timestamp(*t)) : json::value(nullptr);
}

json::array roles_json(const std::vector<std::string>& roles) {
  json::array out;
  for (const auto& role : roles) out.emplace_back(role);
  return out;
}

}  // namespace

Registration parse_registration(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  // id, roles, user_id, disabled_at, ...: nothing but these four can be set by a client.
  r.reject_unknown({"email", "password", "name", "role"});
  auto email = r.required_string("email");
  auto password = r.required_string("password");
  auto name = r.required_string("name");
  auto role = r.optional_string("role");

  Registration out;
  if (email) {
    out.email = normalize_email(*email);
    if (auto problem = email_problem(out.email)) v.add("email", *problem);
  }
  if (password) {
    if (auto problem = password_problem(*password)) v.add("password", *problem);
    out.password = std::move(*password);
  }
  if (name) {
    out.name = normalize_name(*name);
    if (auto problem = name_problem(out.name)) v.add("name", *problem);
  }
  if (role) {
    if (*role == "admin") {
      v.add("role", "admin cannot be self-assigned; must be one of customer, merchant, driver");
    } else if (!is_self_assignable_role(*role)) {
      v.add("role", "must be one of customer, merchant, driver");
    }
    out.role = *role;
  }
  v.throw_if_invalid();
  return out;
}

LoginRequest parse_login(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"email", "password"});
  auto email = r.required_string("email");
  auto password = r.required_string("password");
  if (email && email->size() > kMaxEmailLength) v.add("email", "must be at most 254 characters");
  v.throw_if_invalid();
  return LoginRequest{std::move(*email), std::move(*password)};
}

std::string parse_refresh(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"refresh_token"});
  auto token = r.required_string("refresh_token");
  v.throw_if_invalid();
  return std::move(*token);
}

std::optional<std::string> parse_logout(const http::Request& request) {
  if (request.body.empty()) return std::nullopt;
  auto body = request.json_object();
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"refresh_token"});
  auto token = r.optional_string("refresh_token");
  v.throw_if_invalid();
  return token;
}

PasswordChange parse_password_change(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"current_password", "new_password"});
  auto current = r.required_string("current_password");
  auto next = r.required_string("new_password");
  if (next) {
    if (auto problem = password_problem(*next)) v.add("new_password", *problem);
  }
  v.throw_if_invalid();
  PasswordChange change;
  change.current_password = std::move(*current);
  change.new_password = std::move(*next);
  return change;
}

std::vector<std::string> parse_roles(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"roles"});
  const auto* roles = r.required_array("roles");
  std::vector<std::string> out;
  if (roles) {
    if (roles->empty()) v.add("roles", "must contain at least one role");
    for (std::size_t i = 0; i < roles->size(); ++i) {
      const auto& role = (*roles)[i];
      if (!role.is_string()) {
        v.add(r.element("roles", i), "must be a string");
      } else if (!is_known_role(role.get_string())) {
        v.add(r.element("roles", i), "must be one of customer, merchant, driver, admin");
      } else {
        out.emplace_back(role.get_string());
      }
    }
  }
  v.throw_if_invalid();
  return out;
}

UserListQuery parse_user_list_query(const http::Request& request) {
  UserListQuery query;
  Validator v;
  query.limit = read_page_limit(request.query("limit"), v, query.limit, kMaxPageSize);
  if (auto text = request.query("cursor"); text && !text->empty()) query.cursor = std::string(*text);
  if (auto text = request.query("role"); text && !text->empty()) query.filter.role = std::string(*text);
  if (auto text = request.query("email"); text && !text->empty()) query.filter.email = std::string(*text);
  v.throw_if_invalid();
  return query;
}

std::string parse_role_application(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"role"});
  auto role = r.required_string("role");
  if (role && !is_applied_for_role(*role)) v.add("role", "must be merchant or driver");
  v.throw_if_invalid();
  return std::move(*role);
}

ApplicationListQuery parse_application_list_query(const http::Request& request) {
  ApplicationListQuery query;
  Validator v;
  query.limit = read_page_limit(request.query("limit"), v, query.limit, kMaxPageSize);
  if (auto text = request.query("cursor"); text && !text->empty()) query.cursor = std::string(*text);
  if (auto text = request.query("status"); text && !text->empty()) query.filter.status = std::string(*text);
  if (auto text = request.query("user_id"); text && !text->empty()) query.filter.user_id = std::string(*text);
  v.throw_if_invalid();
  return query;
}

json::object registered_user_json(const Registered& registered) {
  json::object out = registered_user_json(registered.user);
  out["role_application"] =
      registered.application ? json::value(role_application_json(*registered.application)) : json::value(nullptr);
  return out;
}

json::object role_application_json(const RoleApplication& a) {
  json::object out;
  out["id"] = a.id;
  out["user_id"] = a.user_id;
  out["email"] = a.email;
  out["name"] = a.name;
  out["role"] = a.role;
  out["status"] = a.status;
  out["created_at"] = timestamp(a.created_at);
  out["decided_at"] = nullable_timestamp(a.decided_at);
  out["decided_by"] = a.decided_by ? json::value(*a.decided_by) : json::value(nullptr);
  return out;
}

json::object role_application_page_json(const RoleApplicationPage& page) {
  json::array items;
  for (const auto& a : page.items) items.push_back(role_application_json(a));
  json::object out;
  out["items"] = std::move(items);
  out["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return out;
}

json::object registered_user_json(const User& user) {
  json::object out;
  out["id"] = user.id;
  out["email"] = user.email;
  out["name"] = user.name;
  out["roles"] = roles_json(user.roles);
  out["created_at"] = timestamp(user.created_at);
  return out;
}

json::object admin_user_json(const User& user) {
  json::object out = registered_user_json(user);
  out["disabled"] = user.disabled();
  out["disabled_at"] = nullable_timestamp(user.disabled_at);
  out["updated_at"] = timestamp(user.updated_at);
  return out;
}

json::object user_page_json(const UserPage& page) {
  json::array items;
  for (const auto& user : page.items) items.push_back(admin_user_json(user));
  json::object out;
  out["items"] = std::move(items);
  out["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return out;
}

json::object token_pair_json(const TokenPair& tokens) {
  json::object out;
  out["access_token"] = tokens.access_token;
  out["token_type"] = tokens.token_type;
  out["expires_in"] = tokens.expires_in;
  out["refresh_token"] = tokens.refresh_token;
  return out;
}

// ---- JSON Schemas ---------------------------------------------------------------------------

namespace schema {

namespace {

json::object string_schema(std::optional<std::string> format = std::nullopt) {
  json::object s{{"type", "string"}};
  if (format) s["format"] = *format;
  return s;
}

json::object password_schema(const char* description) {
  return json::object{{"type", "string"},
                      {"minLength", kMinPasswordLength},
                      {"maxLength", kMaxPasswordLength},
                      {"writeOnly", true},
                      {"description", description}};
}

json::object role_schema(bool self_assignable) {
  json::array values{"customer", "merchant", "driver"};
  if (!self_assignable) values.emplace_back("admin");
  return json::object{{"type", "string"}, {"enum", std::move(values)}};
}

json::object closed_object(json::array required, json::object properties) {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", std::move(required)},
                      {"properties", std::move(properties)}};
}

}  // namespace

json::value registration_request() {
  json::object role = role_schema(true);
  role["default"] = "customer";
  role["description"] =
      "merchant and driver are applied for: the account starts as a customer with a pending application that an "
      "admin approves; admin cannot be asked for (422; see `nelo admin create`)";
  return closed_object(
      {"email", "password", "name"},
      {{"email", json::object{{"type", "string"},
                              {"format", "email"},
                              {"maxLength", kMaxEmailLength},
                              {"description", "Trimmed and lower-cased before it is stored"}}},
       {"password", password_schema("12 to 128 characters (Unicode code points), any characters, never truncated")},
       {"name", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxNameLength}}},
       {"role", std::move(role)}});
}

json::value login_request() {
  return closed_object({"email", "password"},
                       {{"email", json::object{{"type", "string"}, {"maxLength", kMaxEmailLength}}},
                        {"password", json::object{{"type", "string"}, {"writeOnly", true}}}});
}

json::value refresh_request() { return closed_object({"refresh_token"}, {{"refresh_token", string_schema()}}); }

json::value logout_request() {
  json::object token = string_schema();
  token["description"] = "The session to end; when omitted (or the body is empty), the session of the access token";
  return closed_object({}, {{"refresh_token", std::move(token)}});
}

json::value password_change_request() {
  return closed_object({"current_password", "new_password"},
                       {{"current_password", json::object{{"type", "string"}, {"writeOnly", true}}},
                        {"new_password", password_schema("12 to 128 characters (Unicode code points)")}});
}

json::value roles_request() {
  return closed_object({"roles"}, {{"roles", json::object{{"type", "array"},
                                                          {"minItems", 1},
                                                          {"uniqueItems", false},
                                                          {"items", role_schema(false)}}}});
}

json::value role_application_request() {
  return closed_object({"role"}, {{"role", json::object{{"type", "string"}, {"enum", json::array{"merchant", "driver"}}}}});
}

json::value role_application() {
  json::object nullable_time{{"type", json::array{"string", "null"}}, {"format", "date-time"}};
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "user_id", "email", "name", "role", "status", "created_at", "decided_at",
                               "decided_by"}},
      {"properties",
       json::object{{"id", string_schema("uuid")},
                    {"user_id", string_schema("uuid")},
                    {"email", string_schema("email")},
                    {"name", string_schema()},
                    {"role", json::object{{"type", "string"}, {"enum", json::array{"merchant", "driver"}}}},
                    {"status", json::object{{"type", "string"}, {"enum", json::array{"pending", "approved", "rejected"}}}},
                    {"created_at", string_schema("date-time")},
                    {"decided_at", nullable_time},
                    {"decided_by", json::object{{"type", json::array{"string", "null"}}, {"format", "uuid"}}}}}};
}

json::value role_application_page() {
  return json::object{{"type", "object"},
                      {"required", json::array{"items", "next_cursor"}},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", role_application()}}},
                                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}}}}}}};
}

json::value registered_user() {
  return json::object{{"type", "object"},
                      {"required", json::array{"id", "email", "name", "roles", "created_at"}},
                      {"properties", json::object{{"id", string_schema("uuid")},
                                                  {"email", string_schema("email")},
                                                  {"name", string_schema()},
                                                  {"roles", json::object{{"type", "array"}, {"items", role_schema(false)}}},
                                                  {"created_at", string_schema("date-time")}}}};
}

json::value registration_response() {
  json::object user = registered_user().as_object();
  user["required"].as_array().emplace_back("role_application");
  json::object application = role_application().as_object();
  application["type"] = json::array{"object", "null"};
  application["description"] = "The pending application for merchant or driver, null for a customer";
  user["properties"].as_object()["role_application"] = std::move(application);
  return user;
}

json::value admin_user() {
  json::object user = registered_user().as_object();
  auto& required = user["required"].as_array();
  required.emplace_back("disabled");
  required.emplace_back("disabled_at");
  required.emplace_back("updated_at");
  auto& properties = user["properties"].as_object();
  properties["disabled"] = json::object{{"type", "boolean"}};
  properties["disabled_at"] = json::object{{"type", json::array{"string", "null"}}, {"format", "date-time"}};
  properties["updated_at"] = string_schema("date-time");
  return user;
}

json::value user_page() {
  return json::object{{"type", "object"},
                      {"required", json::array{"items", "next_cursor"}},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", admin_user()}}},
                                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}}}}}}};
}

json::value token_pair() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"access_token", "token_type", "expires_in", "refresh_token"}},
      {"properties",
       json::object{{"access_token", json::object{{"type", "string"}, {"description", "ES256 JWT; send as Bearer"}}},
                    {"token_type", json::object{{"const", "Bearer"}}},
                    {"expires_in", json::object{{"type", "integer"}, {"description", "Seconds the access token lives"}}},
                    {"refresh_token",
                     json::object{{"type", "string"}, {"description", "Opaque, single use, 30 days; rotate with /refresh"}}}}}};
}

json::value jwks() {
  json::object key{{"type", "object"},
                   {"required", json::array{"kty", "crv", "x", "y", "use", "alg", "kid"}},
                   {"properties", json::object{{"kty", json::object{{"const", "EC"}}},
                                               {"crv", json::object{{"const", "P-256"}}},
                                               {"x", string_schema()},
                                               {"y", string_schema()},
                                               {"use", json::object{{"const", "sig"}}},
                                               {"alg", json::object{{"const", "ES256"}}},
                                               {"kid", string_schema()}}}};
  return json::object{{"type", "object"},
                      {"required", json::array{"keys"}},
                      {"properties", json::object{{"keys", json::object{{"type", "array"}, {"items", std::move(key)}}}}}};
}

}  // namespace schema

}  // namespace nelo::auth::api::v1
