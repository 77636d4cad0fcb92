#pragma once
// HTTP routes of the users module, /api/v1/users/me[...]: every one needs an access token and
// works on the caller's own data only.

namespace nelo::http {
class Router;
}

namespace nelo::idempotency {
class IdempotencyStore;
}

namespace nelo::users {

class AddressService;
class ProfileService;

// The services and the store must outlive the router's use of these routes. `keys` holds the
// optional Idempotency-Keys of POST /addresses.
void register_routes(http::Router& router, ProfileService& profiles, AddressService& addresses,
                     idempotency::IdempotencyStore& keys);

}  // namespace nelo::users
