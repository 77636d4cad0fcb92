#include "modules/catalog/api/v1/routes.hpp"

#include <boost/json/object.hpp>

#include "core/http/router.hpp"
#include "modules/catalog/api/v1/merchant_schemas.hpp"
#include "modules/catalog/api/v1/product_schemas.hpp"
#include "modules/catalog/services/merchant_service.hpp"
#include "modules/catalog/services/product_service.hpp"
#include "shared/idempotency/optional_key.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "catalog";
constexpr const char* kMerchantsPath = "/api/v1/catalog/merchants";

Actor actor_of(const http::Request& request) {
  Actor actor;
  actor.user_id = request.user().user_id;
  actor.is_admin = request.user().is_admin();
  return actor;
}

std::string merchant_id(const http::Request& request) { return std::string(request.param("id")); }
std::string product_id(const http::Request& request) { return std::string(request.param("product_id")); }

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> search_merchants(MerchantService& merchants, http::Request& request) {
  SearchParameters parameters;
  parameters.lat = request.query("lat");
  parameters.lng = request.query("lng");
  parameters.radius_m = request.query("radius_m");
  parameters.q = request.query("q");
  parameters.open_now = request.query("open_now");
  parameters.limit = request.query("limit");
  parameters.cursor = request.query("cursor");
  const ParsedSearch parsed = parse_merchant_search(parameters);
  auto page = co_await merchants.search(parsed.search);
  co_return http::Response::json(to_json(page, parsed.fingerprint));
}

http::Response merchant_created(const Merchant& created) {
  auto response = http::Response::json(to_json(created, Audience::Manager), 201);
  response.with_header("Location", std::string(kMerchantsPath) + "/" + created.id);
  return response;
}

asio::awaitable<http::Response> create_merchant(MerchantService& merchants, idempotency::IdempotencyStore& keys,
                                                http::Request& request) {
  const NewMerchant merchant = parse_new_merchant(request.json_object());
  const Actor actor = actor_of(request);
  co_return co_await idempotency::OptionalKey::respond<Merchant>(
      keys, request, merchant_created,
      [&](db::CommitStep<Merchant> commit) { return merchants.create(actor, merchant, std::move(commit)); });
}

asio::awaitable<http::Response> get_merchant(MerchantService& merchants, http::Request& request) {
  auto merchant = co_await merchants.get(merchant_id(request));
  co_return http::Response::json(to_json(merchant, Audience::Public));
}

asio::awaitable<http::Response> patch_merchant(MerchantService& merchants, http::Request& request) {
  const MerchantPatch patch = parse_merchant_patch(request.json_object());
  const Actor actor = actor_of(request);
  auto merchant = co_await merchants.update(actor, merchant_id(request), patch);
  co_return http::Response::json(to_json(merchant, Audience::Manager));
}

asio::awaitable<http::Response> list_my_merchants(MerchantService& merchants, http::Request& request) {
  const Actor actor = actor_of(request);
  const OwnedPageRequest page_request =
      parse_owned_page_request(actor.user_id, request.query("limit"), request.query("cursor"));
  auto page = co_await merchants.list_owned(actor, page_request.after, page_request.limit);
  co_return http::Response::json(to_json(page, page_request.fingerprint));
}

asio::awaitable<http::Response> list_products(ProductService& products, http::Request& request) {
  const std::string merchant = merchant_id(request);
  const ProductPageRequest page_request = parse_product_page_request(
      merchant, request.query("category"), request.query("limit"), request.query("cursor"));
  auto page = co_await products.list(merchant, page_request.category, page_request.after, page_request.limit);
  co_return http::Response::json(to_json(page, page_request.fingerprint));
}

http::Response product_created(const Product& created) {
  auto response = http::Response::json(to_json(created), 201);
  response.with_header("Location",
                       std::string(kMerchantsPath) + "/" + created.merchant_id + "/products/" + created.id);
  return response;
}

asio::awaitable<http::Response> create_product(ProductService& products, idempotency::IdempotencyStore& keys,
                                               http::Request& request) {
  const NewProduct product = parse_new_product(request.json_object());
  const Actor actor = actor_of(request);
  const std::string merchant = merchant_id(request);
  co_return co_await idempotency::OptionalKey::respond<Product>(
      keys, request, product_created,
      [&](db::CommitStep<Product> commit) { return products.create(actor, merchant, product, std::move(commit)); });
}

asio::awaitable<http::Response> get_product(ProductService& products, http::Request& request) {
  auto product = co_await products.get(merchant_id(request), product_id(request));
  co_return http::Response::json(to_json(product));
}

asio::awaitable<http::Response> patch_product(ProductService& products, http::Request& request) {
  const ProductPatch patch = parse_product_patch(request.json_object());
  const Actor actor = actor_of(request);
  auto product = co_await products.update(actor, merchant_id(request), product_id(request), patch);
  co_return http::Response::json(to_json(product));
}

asio::awaitable<http::Response> delete_product(ProductService& products, http::Request& request) {
  const Actor actor = actor_of(request);
  co_await products.remove(actor, merchant_id(request), product_id(request));
  co_return http::Response::no_content();
}

// --- OpenAPI ---

constexpr const char* kNoSuchMerchant = "No such merchant (a malformed id answers the same)";
constexpr const char* kNotYours =
    "No such merchant among those you manage (another merchant's answers the same, and nothing changes)";
constexpr const char* kNoSuchProduct = "No such product of this merchant (deleted ones answer the same)";
constexpr const char* kMerchantRole = "The caller does not have the merchant or admin role";

http::RouteDoc::ParamDoc query_param(std::string name, bool required, std::string description, json::object schema) {
  return {std::move(name), "query", required, std::move(description), std::move(schema)};
}

std::vector<http::RouteDoc::ParamDoc> page_params() {
  return {query_param("limit", false, "Page size, at least 1 (default 20; values above 100 are treated as 100)",
                      json::object{{"type", "integer"}, {"minimum", 1}}),
          query_param("cursor", false, "next_cursor of the previous page, with the same other parameters",
                      json::object{{"type", "string"}})};
}

http::RouteDoc search_merchants_doc() {
  http::RouteDoc doc;
  doc.summary = "Find merchants near a point";
  doc.description = "Merchants within radius_m of (lat, lng), nearest first, each with its distance_m and whether "
                    "it is open now. q keeps those whose name or description contains it (case-insensitive, % and _ "
                    "taken literally); open_now=true keeps those open now. Cursor-paginated.";
  doc.parameters = {
      query_param("lat", true, "WGS 84 latitude", json::object{{"type", "number"}, {"minimum", -90}, {"maximum", 90}}),
      query_param("lng", true, "WGS 84 longitude",
                  json::object{{"type", "number"}, {"minimum", -180}, {"maximum", 180}}),
      query_param("radius_m", false, "Search radius in metres (default 5000)",
                  json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 50000}}),
      query_param("q", false, "Text to look for in names and descriptions",
                  json::object{{"type", "string"}, {"maxLength", 100}}),
      query_param("open_now", false, "true: only merchants open now", json::object{{"type", "boolean"}})};
  for (auto& p : page_params()) doc.parameters.push_back(std::move(p));
  doc.responses = {{200, "A page of merchants", merchant_search_page_schema()},
                   http::problem_response(422, "Missing or invalid lat/lng, invalid radius_m, q, open_now, limit or cursor")};
  return doc;
}

http::RouteDoc create_merchant_doc() {
  http::RouteDoc doc;
  doc.summary = "Create a merchant";
  doc.description = "The caller becomes its owner. min_order's currency becomes the merchant's currency: every "
                    "product is priced in it. The response's Location header is the merchant's URL.";
  doc.request_body = new_merchant_schema();
  doc.responses = {{201, "The merchant", merchant_schema(Audience::Manager)},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(422, "Unknown field, missing field, or an invalid value (field names such as "
                                "opening_hours.monday[1].closes)")};
  idempotency::document_optional_key(doc);
  return doc;
}

http::RouteDoc get_merchant_doc() {
  http::RouteDoc doc;
  doc.summary = "Get a merchant";
  doc.responses = {{200, "The merchant", merchant_schema(Audience::Public)}, http::problem_response(404, kNoSuchMerchant)};
  return doc;
}

http::RouteDoc patch_merchant_doc() {
  http::RouteDoc doc;
  doc.summary = "Update a merchant";
  doc.description = "By its owner or an admin. Any subset of the fields (absent ones are kept; null removes the "
                    "description); lat and lng change together; opening_hours and min_order are replaced whole. "
                    "The currency cannot change while products are priced in the current one.";
  doc.request_body = merchant_patch_schema();
  doc.responses = {{200, "The updated merchant", merchant_schema(Audience::Manager)},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(404, kNotYours),
                   http::problem_response(422, "Unknown field, empty patch, an invalid value, or a currency change with products")};
  return doc;
}

http::RouteDoc list_my_merchants_doc() {
  http::RouteDoc doc;
  doc.summary = "List the merchants I own";
  doc.description = "In creation order, cursor-paginated.";
  doc.parameters = page_params();
  doc.responses = {{200, "A page of merchants", merchant_page_schema()},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(422, "Invalid limit or cursor")};
  return doc;
}

http::RouteDoc list_products_doc() {
  http::RouteDoc doc;
  doc.summary = "List a merchant's products";
  doc.description = "In the order they were added, available or not (see available); deleted products are never "
                    "listed. category keeps those of one category (exact match). Cursor-paginated.";
  doc.parameters = {query_param("category", false, "Only this category", json::object{{"type", "string"}})};
  for (auto& p : page_params()) doc.parameters.push_back(std::move(p));
  doc.responses = {{200, "A page of products", product_page_schema()},
                   http::problem_response(404, kNoSuchMerchant),
                   http::problem_response(422, "Invalid category, limit or cursor")};
  return doc;
}

http::RouteDoc create_product_doc() {
  http::RouteDoc doc;
  doc.summary = "Add a product to a merchant";
  doc.description = "By the merchant's owner or an admin. The price must be in the merchant's currency.";
  doc.request_body = new_product_schema();
  doc.responses = {{201, "The product", product_schema()},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(404, kNotYours),
                   http::problem_response(422, "Unknown field, missing field, an invalid value, or another currency than the "
                                "merchant's (price.currency)")};
  idempotency::document_optional_key(doc);
  return doc;
}

http::RouteDoc get_product_doc() {
  http::RouteDoc doc;
  doc.summary = "Get a product";
  doc.responses = {{200, "The product", product_schema()}, http::problem_response(404, kNoSuchProduct)};
  return doc;
}

http::RouteDoc patch_product_doc() {
  http::RouteDoc doc;
  doc.summary = "Update a product";
  doc.description = "By the merchant's owner or an admin. Any subset of the fields; null removes description or "
                    "category; price is replaced whole and must be in the merchant's currency.";
  doc.request_body = product_patch_schema();
  doc.responses = {{200, "The updated product", product_schema()},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(404, std::string(kNotYours) + "; or no such product"),
                   http::problem_response(422, "Unknown field, empty patch, or an invalid value")};
  return doc;
}

http::RouteDoc delete_product_doc() {
  http::RouteDoc doc;
  doc.summary = "Delete a product";
  doc.description = "By the merchant's owner or an admin. The product vanishes from every read; orders placed "
                    "with it keep their copy.";
  doc.responses = {{204, "Deleted", nullptr},
                   http::problem_response(403, kMerchantRole),
                   http::problem_response(404, std::string(kNotYours) + "; or no such product (already deleted)")};
  return doc;
}

}  // namespace

void register_routes(http::Router& router, MerchantService& merchants, ProductService& products,
                     idempotency::IdempotencyStore& keys) {
  auto* m = &merchants;
  auto* p = &products;
  auto* k = &keys;
  const std::string one_merchant = std::string(kMerchantsPath) + "/{id}";
  const std::string products_path = one_merchant + "/products";
  const std::string one_product = products_path + "/{product_id}";
  const auto managers = [] { return http::Policy::roles({"merchant", "admin"}); };

  router.add({.method = "GET",
              .path = kMerchantsPath,
              .policy = http::Policy::public_access(),
              .handler = [m](http::Request& r) { return search_merchants(*m, r); },
              .module = kModule,
              .doc = search_merchants_doc(),
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = kMerchantsPath,
              .policy = managers(),
              .handler = [m, k](http::Request& r) { return create_merchant(*m, *k, r); },
              .module = kModule,
              .doc = create_merchant_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = one_merchant,
              .policy = http::Policy::public_access(),
              .handler = [m](http::Request& r) { return get_merchant(*m, r); },
              .module = kModule,
              .doc = get_merchant_doc(),
              .access = http::Access::anyones("merchant")});
  router.add({.method = "PATCH",
              .path = one_merchant,
              .policy = managers(),
              .handler = [m](http::Request& r) { return patch_merchant(*m, r); },
              .module = kModule,
              .doc = patch_merchant_doc(),
              .access = http::Access::owners_and_admins("merchant")});
  router.add({.method = "GET",
              .path = "/api/v1/catalog/me/merchants",
              .policy = managers(),
              .handler = [m](http::Request& r) { return list_my_merchants(*m, r); },
              .module = kModule,
              .doc = list_my_merchants_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = products_path,
              .policy = http::Policy::public_access(),
              .handler = [p](http::Request& r) { return list_products(*p, r); },
              .module = kModule,
              .doc = list_products_doc(),
              .access = http::Access::anyones("merchant")});
  router.add({.method = "POST",
              .path = products_path,
              .policy = managers(),
              .handler = [p, k](http::Request& r) { return create_product(*p, *k, r); },
              .module = kModule,
              .doc = create_product_doc(),
              .access = http::Access::owners_and_admins("merchant")});
  router.add({.method = "GET",
              .path = one_product,
              .policy = http::Policy::public_access(),
              .handler = [p](http::Request& r) { return get_product(*p, r); },
              .module = kModule,
              .doc = get_product_doc(),
              .access = http::Access::anyones("product")});
  router.add({.method = "PATCH",
              .path = one_product,
              .policy = managers(),
              .handler = [p](http::Request& r) { return patch_product(*p, r); },
              .module = kModule,
              .doc = patch_product_doc(),
              .access = http::Access::owners_and_admins("product")});
  router.add({.method = "DELETE",
              .path = one_product,
              .policy = managers(),
              .handler = [p](http::Request& r) { return delete_product(*p, r); },
              .module = kModule,
              .doc = delete_product_doc(),
              .access = http::Access::owners_and_admins("product")});
}

}  // namespace nelo::catalog
