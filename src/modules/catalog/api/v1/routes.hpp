#pragma once
// HTTP routes of the catalog module, /api/v1/catalog/...: merchants and their products are public
// to read; writing them takes the merchant role (the owner) or admin.

namespace nelo::http {
class Router;
}

namespace nelo::catalog {

class MerchantService;
class ProductService;

// The services must outlive the router's use of these routes.
void register_routes(http::Router& router, MerchantService& merchants, ProductService& products);

}  // namespace nelo::catalog
