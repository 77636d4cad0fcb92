#pragma once
// HTTP routes of the users module, /api/v1/users/me[...]: every one needs an access token and
// works on the caller's own data only.

namespace nelo::http {
class Router;
}

namespace nelo::users {

class AddressService;
class ProfileService;

// The services must outlive the router's use of these routes.
void register_routes(http::Router& router, ProfileService& profiles, AddressService& addresses);

}  // namespace nelo::users
