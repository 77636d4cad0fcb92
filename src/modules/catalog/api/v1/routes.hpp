#pragma once
// HTTP routes of the catalog module, /api/v1/catalog/...: merchants and their products are public
// to read; writing them takes the merchant role (the owner) or admin.

namespace nelo::http {
class Router;
}

namespace nelo::idempotency {
class IdempotencyStore;
}

namespace nelo::catalog {

class MerchantService;
class ProductService;

// The services and the store must outlive the router's use of these routes. `keys` holds the
// optional Idempotency-Keys of the creating POSTs.
void register_routes(http::Router& router, MerchantService& merchants, ProductService& products,
                     idempotency::IdempotencyStore& keys);

}  // namespace nelo::catalog
