#pragma once
// Request and response bodies of /api/v1/auth: strict parsing into DTOs (unknown fields are
// refused, every problem reported at once as a 422), serialization, and their JSON Schemas for
// the OpenAPI document.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "modules/auth/models.hpp"
#include "modules/auth/services/auth_service.hpp"
#include "modules/auth/services/role_application_service.hpp"

namespace nelo::http {
class Request;
}

namespace nelo::auth::api::v1 {

struct LoginRequest {
  std::string email;
  std::string password;
};

struct ApplicationListQuery {
  RoleApplicationFilter filter;
  std::size_t limit = 20;
  std::optional<std::string> cursor;
};

struct UserListQuery {
  UserFilter filter;
  std::size_t limit = 20;
  std::optional<std::string> cursor;
};

// {email, password, name, role?}: role customer (default), merchant or driver.
Registration parse_registration(const boost::json::object& body);
// {email, password}
LoginRequest parse_login(const boost::json::object& body);
// {refresh_token}
std::string parse_refresh(const boost::json::object& body);
// An empty body or {refresh_token?}.
std::optional<std::string> parse_logout(const http::Request& request);
// {current_password, new_password}
PasswordChange parse_password_change(const boost::json::object& body);
// {roles: [...]}
std::vector<std::string> parse_roles(const boost::json::object& body);
// ?limit=&cursor=&role=&email=
UserListQuery parse_user_list_query(const http::Request& request);
// {role}: merchant or driver.
std::string parse_role_application(const boost::json::object& body);
// ?status=&user_id=&limit=&cursor=
ApplicationListQuery parse_application_list_query(const http::Request& request);

// {id, email, name, roles, created_at}: the account as its owner sees it.
boost::json::object registered_user_json(const User& user);
// The same plus role_application (the pending application, or null): the registration's answer.
boost::json::object registered_user_json(const Registered& registered);
// {id, user_id, email, name, role, status, created_at, decided_at, decided_by}
boost::json::object role_application_json(const RoleApplication& application);
boost::json::object role_application_page_json(const RoleApplicationPage& page);
// {id, email, name, roles, disabled, disabled_at, created_at, updated_at}: the admin view.
boost::json::object admin_user_json(const User& user);
boost::json::object user_page_json(const UserPage& page);
// {access_token, token_type, expires_in, refresh_token}
boost::json::object token_pair_json(const TokenPair& tokens);

namespace schema {
boost::json::value registration_request();
boost::json::value login_request();
boost::json::value refresh_request();
boost::json::value logout_request();
boost::json::value password_change_request();
boost::json::value roles_request();
boost::json::value role_application_request();
boost::json::value role_application();
boost::json::value role_application_page();
boost::json::value registered_user();
boost::json::value registration_response();
boost::json::value admin_user();
boost::json::value user_page();
boost::json::value token_pair();
boost::json::value jwks();
}  // namespace schema

}  // namespace nelo::auth::api::v1
