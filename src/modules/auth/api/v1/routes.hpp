#pragma once
// The auth module's HTTP routes: /api/v1/auth/... and /.well-known/jwks.json.

#include <chrono>

namespace nelo::http {
class Router;
}

namespace nelo::auth {
class AuthService;
class UserAdminService;
class RoleApplicationService;
class KeyRing;
}  // namespace nelo::auth

namespace nelo::auth::api::v1 {

struct RouteServices {
  AuthService& auth;
  UserAdminService& admin;
  RoleApplicationService& applications;
  const KeyRing& keys;
  std::chrono::seconds jwks_max_age;  // Cache-Control of the JWKS
};

void register_routes(http::Router& router, const RouteServices& services);

}  // namespace nelo::auth::api::v1
