#include "modules/auth/api/v1/routes.hpp"

#include <boost/json.hpp>

#include "core/http/router.hpp"
#include "modules/auth/api/v1/schemas.hpp"
#include "modules/auth/services/auth_service.hpp"
#include "modules/auth/services/key_ring.hpp"
#include "modules/auth/services/role_application_service.hpp"
#include "modules/auth/services/user_admin_service.hpp"

namespace nelo::auth::api::v1 {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kModule = "auth";
// Auth bodies are a few hundred bytes; a small limit keeps floods of huge bodies cheap.
constexpr std::size_t kBodyLimit = 16 * 1024;

// Token responses must not be cached anywhere (RFC 6749 section 5.1).
http::Response no_store(http::Response response) {
  response.with_header("Cache-Control", "no-store");
  response.with_header("Pragma", "no-cache");
  return response;
}

// ---- handlers: parse, call one service method, serialize ----------------------------------

asio::awaitable<http::Response> register_user(AuthService& service, http::Request& request) {
  auto registration = parse_registration(request.json_object());
  auto registered = co_await service.register_user(std::move(registration), request.remote_address);
  co_return http::Response::json(registered_user_json(registered), 201);
}

asio::awaitable<http::Response> login(AuthService& service, http::Request& request) {
  auto credentials = parse_login(request.json_object());
  auto tokens = co_await service.login(std::move(credentials.email), std::move(credentials.password),
                                       request.remote_address);
  co_return no_store(http::Response::json(token_pair_json(tokens)));
}

asio::awaitable<http::Response> refresh(AuthService& service, http::Request& request) {
  auto token = parse_refresh(request.json_object());
  auto tokens = co_await service.refresh(std::move(token));
  co_return no_store(http::Response::json(token_pair_json(tokens)));
}

asio::awaitable<http::Response> logout(AuthService& service, http::Request& request) {
  auto token = parse_logout(request);
  co_await service.logout(request.user(), std::move(token));
  co_return http::Response::no_content();
}

asio::awaitable<http::Response> logout_all(AuthService& service, http::Request& request) {
  co_await service.logout_all(request.user());
  co_return http::Response::no_content();
}

asio::awaitable<http::Response> change_password(AuthService& service, http::Request& request) {
  auto change = parse_password_change(request.json_object());
  co_await service.change_password(request.user(), std::move(change), request.remote_address);
  co_return http::Response::no_content();
}

asio::awaitable<http::Response> list_users(UserAdminService& service, http::Request& request) {
  auto query = parse_user_list_query(request);
  auto page = co_await service.list(std::move(query.filter), query.limit, std::move(query.cursor));
  co_return http::Response::json(user_page_json(page));
}

asio::awaitable<http::Response> get_user(UserAdminService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto user = co_await service.get(id);
  co_return http::Response::json(admin_user_json(user));
}

asio::awaitable<http::Response> set_roles(UserAdminService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto roles = parse_roles(request.json_object());
  auto user = co_await service.set_roles(request.user(), id, std::move(roles));
  co_return http::Response::json(admin_user_json(user));
}

asio::awaitable<http::Response> disable_user(UserAdminService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto user = co_await service.disable(request.user(), id);
  co_return http::Response::json(admin_user_json(user));
}

asio::awaitable<http::Response> enable_user(UserAdminService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto user = co_await service.enable(id);
  co_return http::Response::json(admin_user_json(user));
}

asio::awaitable<http::Response> apply_for_role(RoleApplicationService& service, http::Request& request) {
  auto role = parse_role_application(request.json_object());
  auto application = co_await service.apply(request.user(), std::move(role));
  co_return http::Response::json(role_application_json(application), 201);
}

asio::awaitable<http::Response> list_applications(RoleApplicationService& service, http::Request& request) {
  auto query = parse_application_list_query(request);
  auto page = co_await service.list(std::move(query.filter), query.limit, std::move(query.cursor));
  co_return http::Response::json(role_application_page_json(page));
}

asio::awaitable<http::Response> approve_application(RoleApplicationService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto application = co_await service.approve(request.user(), id);
  co_return http::Response::json(role_application_json(application));
}

asio::awaitable<http::Response> reject_application(RoleApplicationService& service, http::Request& request) {
  std::string id(request.param("id"));
  auto application = co_await service.reject(request.user(), id);
  co_return http::Response::json(role_application_json(application));
}

asio::awaitable<http::Response> jwks(const KeyRing& keys, std::chrono::seconds max_age, http::Request&) {
  json::object body;
  body["keys"] = keys.jwks();
  auto response = http::Response::json(body);
  response.with_header("Cache-Control", "public, max-age=" + std::to_string(max_age.count()));
  co_return response;
}

// ---- OpenAPI ---------------------------------------------------------------------------------

http::RouteDoc register_doc() {
  http::RouteDoc doc;
  doc.summary = "Create an account";
  doc.description =
      "Self-registration. The account is a customer; asking for role merchant or driver also files an "
      "application (role_application in the answer) that an admin approves before the account can open a shop "
      "or take deliveries. The e-mail address is trimmed and lower-cased; the password is 12 to 128 characters "
      "(Unicode code points), stored as Argon2id. Fields other than email, password, name and role are refused. "
      "A taken address answers 409 without any password hashing; registrations are limited per client address "
      "(429 with Retry-After). Publishes `user.registered`. Does not sign in: call /login next.";
  doc.request_body = schema::registration_request();
  doc.responses = {{201, "The account", schema::registration_response()},
                   http::problem_response(400, "Malformed JSON"),
                   http::problem_response(409, "An account already exists for this email address"),
                   http::problem_response(422, "Invalid or unknown fields, or role admin"),
                   http::problem_response(429, "Too many registrations from this address; see Retry-After"),
                   http::problem_response(503, "Password hashing is saturated; retry after Retry-After")};
  return doc;
}

http::RouteDoc login_doc() {
  http::RouteDoc doc;
  doc.summary = "Sign in";
  doc.description =
      "Returns a 15-minute ES256 access token and a single-use refresh token. An unknown e-mail, a wrong "
      "password and a disabled account all answer the same 401. Failed attempts are limited per account and per "
      "client address within a window (429 with Retry-After).";
  doc.request_body = schema::login_request();
  doc.responses = {{200, "Tokens", schema::token_pair()},
                   http::problem_response(401, "Wrong email or password (or disabled account)"),
                   http::problem_response(422, "Missing or unknown fields"),
                   http::problem_response(429, "Too many failed attempts; see Retry-After"),
                   http::problem_response(503, "Password hashing is saturated; retry after Retry-After")};
  return doc;
}

http::RouteDoc refresh_doc() {
  http::RouteDoc doc;
  doc.summary = "Rotate a refresh token";
  doc.description =
      "Exchanges a refresh token for a new access token and a new refresh token; the presented one is spent. "
      "Presenting a spent refresh token again revokes the whole session (every token derived from the same "
      "login), because it means the token was copied. Of concurrent refreshes with one token at most one "
      "succeeds (and the others count as reuse): clients must serialize their refreshes.";
  doc.request_body = schema::refresh_request();
  doc.responses = {{200, "New tokens", schema::token_pair()},
                   http::problem_response(401, "Unknown, expired, spent or revoked refresh token, or disabled account"),
                   http::problem_response(422, "Missing or unknown fields")};
  return doc;
}

http::RouteDoc logout_doc() {
  http::RouteDoc doc;
  doc.summary = "End a session";
  doc.description =
      "Revokes the session of the given refresh token if it is the caller's, or the session of the access token "
      "when the body is empty. Access tokens of the session stop working at once. Idempotent: an unknown or "
      "foreign token changes nothing and still answers 204.";
  doc.request_body = schema::logout_request();
  doc.responses = {{204, "Signed out", nullptr}, http::problem_response(401, "No valid access token"),
                   http::problem_response(422, "Unknown fields")};
  return doc;
}

http::RouteDoc logout_all_doc() {
  http::RouteDoc doc;
  doc.summary = "End every session of the caller";
  doc.description = "Revokes every refresh-token family of the caller, this one included.";
  doc.responses = {{204, "Signed out everywhere", nullptr}, http::problem_response(401, "No valid access token")};
  return doc;
}

http::RouteDoc password_doc() {
  http::RouteDoc doc;
  doc.summary = "Change the caller's password";
  doc.description =
      "Checks the current password (a wrong one is 422 on field current_password and counts as a failed login "
      "for throttling), stores the new one and revokes every other session of the caller; the calling session "
      "stays signed in.";
  doc.request_body = schema::password_change_request();
  doc.responses = {{204, "Password changed", nullptr},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(409, "The password changed concurrently"),
                   http::problem_response(422, "Wrong current password, or new password not 12 to 128 characters"),
                   http::problem_response(429, "Too many failed attempts; see Retry-After")};
  return doc;
}

http::RouteDoc list_users_doc() {
  http::RouteDoc doc;
  doc.summary = "List accounts";
  doc.description = "Cursor-paginated in creation order, optionally filtered by role and by exact e-mail address.";
  doc.parameters = {
      {"limit", "query", false, "Page size (default 20, at most 100)", json::object{{"type", "integer"}, {"minimum", 1}}},
      {"cursor", "query", false, "next_cursor of the previous page", json::object{{"type", "string"}}},
      {"role", "query", false, "Only accounts with this role",
       json::object{{"type", "string"}, {"enum", json::array{"customer", "merchant", "driver", "admin"}}}},
      {"email", "query", false, "Only the account with this address (normalised like at registration)",
       json::object{{"type", "string"}}}};
  doc.responses = {{200, "A page of accounts", schema::user_page()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(422, "Bad limit, cursor or role")};
  return doc;
}

http::RouteDoc get_user_doc() {
  http::RouteDoc doc;
  doc.summary = "Get an account";
  doc.responses = {{200, "The account", schema::admin_user()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "No such user")};
  return doc;
}

http::RouteDoc roles_doc() {
  http::RouteDoc doc;
  doc.summary = "Set an account's roles";
  doc.description =
      "Replaces the roles. Removing a role revokes the account's sessions so that it applies at once; an added "
      "role appears in access tokens from the next refresh. Admins cannot remove their own admin role.";
  doc.request_body = schema::roles_request();
  doc.responses = {{200, "The account", schema::admin_user()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "No such user"),
                   http::problem_response(409, "Removing the caller's own admin role"),
                   http::problem_response(422, "Empty or unknown roles")};
  return doc;
}

http::RouteDoc disable_doc() {
  http::RouteDoc doc;
  doc.summary = "Disable an account";
  doc.description =
      "The account can no longer sign in or refresh, and every session of it is revoked (its access tokens stop "
      "working at once). Idempotent. Admins cannot disable themselves.";
  doc.responses = {{200, "The account", schema::admin_user()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "No such user"),
                   http::problem_response(409, "Disabling the caller's own account")};
  return doc;
}

http::RouteDoc enable_doc() {
  http::RouteDoc doc;
  doc.summary = "Enable a disabled account";
  doc.description = "The account can sign in again; sessions revoked when it was disabled stay revoked. Idempotent.";
  doc.responses = {{200, "The account", schema::admin_user()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "No such user")};
  return doc;
}

http::RouteDoc apply_doc() {
  http::RouteDoc doc;
  doc.summary = "Apply for the merchant or driver role";
  doc.description =
      "Files an application for the caller's account; an admin approves or rejects it. Asking again while one is "
      "pending returns that one. The role appears in access tokens from the next refresh after approval.";
  doc.request_body = schema::role_application_request();
  doc.responses = {{201, "The application", schema::role_application()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(409, "The account has this role already"),
                   http::problem_response(422, "Role other than merchant or driver, or unknown fields")};
  return doc;
}

http::RouteDoc list_applications_doc() {
  http::RouteDoc doc;
  doc.summary = "List role applications";
  doc.description = "Cursor-paginated in creation order; `status=pending` is the queue an admin works through.";
  doc.parameters = {
      {"status", "query", false, "Only applications in this state",
       json::object{{"type", "string"}, {"enum", json::array{"pending", "approved", "rejected"}}}},
      {"user_id", "query", false, "Only the applications of this account",
       json::object{{"type", "string"}, {"format", "uuid"}}},
      {"limit", "query", false, "Page size (default 20, at most 100)", json::object{{"type", "integer"}, {"minimum", 1}}},
      {"cursor", "query", false, "next_cursor of the previous page", json::object{{"type", "string"}}}};
  doc.responses = {{200, "A page of applications", schema::role_application_page()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(422, "Bad status, user_id, limit or cursor")};
  return doc;
}

http::RouteDoc decide_doc(bool approve) {
  http::RouteDoc doc;
  doc.summary = approve ? "Approve a role application" : "Reject a role application";
  doc.description = approve ? "Adds the role to the account (its other roles are kept); the role appears in its "
                              "access tokens from the next refresh or login."
                            : "The account keeps its roles; it may apply again.";
  doc.responses = {{200, "The decided application", schema::role_application()},
                   http::problem_response(401, "No valid access token"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "No such application"),
                   http::problem_response(409, "The application was decided already")};
  return doc;
}

http::RouteDoc jwks_doc() {
  http::RouteDoc doc;
  doc.summary = "Public keys that verify access tokens (JWKS)";
  doc.description =
      "RFC 7517 key set of every signing key that still verifies, including a freshly rotated key before it starts "
      "signing. A verifier that meets an unknown kid should fetch this again.";
  doc.tag = "auth";
  doc.responses = {{200, "The key set", schema::jwks()}};
  return doc;
}

}  // namespace

void register_routes(http::Router& router, const RouteServices& services) {
  auto* auth = &services.auth;
  auto* admin = &services.admin;
  auto* applications = &services.applications;
  const auto* keys = &services.keys;
  const auto max_age = services.jwks_max_age;
  const auto admin_only = http::Policy::roles({"admin"});

  router.add({.method = "POST",
              .path = "/api/v1/auth/register",
              .policy = http::Policy::public_access(),
              .handler = [auth](http::Request& r) { return register_user(*auth, r); },
              .module = kModule,
              .doc = register_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/login",
              .policy = http::Policy::public_access(),
              .handler = [auth](http::Request& r) { return login(*auth, r); },
              .module = kModule,
              .doc = login_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/refresh",
              .policy = http::Policy::public_access(),
              .handler = [auth](http::Request& r) { return refresh(*auth, r); },
              .module = kModule,
              .doc = refresh_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/logout",
              .policy = http::Policy::authenticated(),
              .handler = [auth](http::Request& r) { return logout(*auth, r); },
              .module = kModule,
              .doc = logout_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/logout-all",
              .policy = http::Policy::authenticated(),
              .handler = [auth](http::Request& r) { return logout_all(*auth, r); },
              .module = kModule,
              .doc = logout_all_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/password",
              .policy = http::Policy::authenticated(),
              .handler = [auth](http::Request& r) { return change_password(*auth, r); },
              .module = kModule,
              .doc = password_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = "/api/v1/auth/users",
              .policy = admin_only,
              .handler = [admin](http::Request& r) { return list_users(*admin, r); },
              .module = kModule,
              .doc = list_users_doc(),
              .access = http::Access::none()});
  router.add({.method = "GET",
              .path = "/api/v1/auth/users/{id}",
              .policy = admin_only,
              .handler = [admin](http::Request& r) { return get_user(*admin, r); },
              .module = kModule,
              .doc = get_user_doc(),
              .access = http::Access::owners_and_admins("user")});
  router.add({.method = "POST",
              .path = "/api/v1/auth/users/{id}/roles",
              .policy = admin_only,
              .handler = [admin](http::Request& r) { return set_roles(*admin, r); },
              .module = kModule,
              .doc = roles_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::owners_and_admins("user")});
  router.add({.method = "POST",
              .path = "/api/v1/auth/users/{id}/disable",
              .policy = admin_only,
              .handler = [admin](http::Request& r) { return disable_user(*admin, r); },
              .module = kModule,
              .doc = disable_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::owners_and_admins("user")});
  router.add({.method = "POST",
              .path = "/api/v1/auth/users/{id}/enable",
              .policy = admin_only,
              .handler = [admin](http::Request& r) { return enable_user(*admin, r); },
              .module = kModule,
              .doc = enable_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::owners_and_admins("user")});
  router.add({.method = "POST",
              .path = "/api/v1/auth/role-applications",
              .policy = http::Policy::authenticated(),
              .handler = [applications](http::Request& r) { return apply_for_role(*applications, r); },
              .module = kModule,
              .doc = apply_doc(),
              .body_limit = kBodyLimit,
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = "/api/v1/auth/role-applications",
              .policy = admin_only,
              .handler = [applications](http::Request& r) { return list_applications(*applications, r); },
              .module = kModule,
              .doc = list_applications_doc(),
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/role-applications/{id}/approve",
              .policy = admin_only,
              .handler = [applications](http::Request& r) { return approve_application(*applications, r); },
              .module = kModule,
              .doc = decide_doc(true),
              .body_limit = kBodyLimit,
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/auth/role-applications/{id}/reject",
              .policy = admin_only,
              .handler = [applications](http::Request& r) { return reject_application(*applications, r); },
              .module = kModule,
              .doc = decide_doc(false),
              .body_limit = kBodyLimit,
              .access = http::Access::none()});
  router.add({.method = "GET",
              .path = "/.well-known/jwks.json",
              .policy = http::Policy::public_access(),
              .handler = [keys, max_age](http::Request& r) { return jwks(*keys, max_age, r); },
              .module = kModule,
              .doc = jwks_doc(),
              .access = http::Access::none()});
}

}  // namespace nelo::auth::api::v1
