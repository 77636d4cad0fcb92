#pragma once
// Request and response bodies of /api/v1/catalog/merchants/{id}/products: strict parsing into
// validated domain values (one 422 listing every problem), JSON serialization, OpenAPI schemas.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "modules/catalog/models.hpp"

namespace nelo::catalog {

// POST: name, price required; description, available (default true), category optional.
NewProduct parse_new_product(const boost::json::object& body);
// PATCH: any subset, at least one; null clears description and category; price is replaced whole.
ProductPatch parse_product_patch(const boost::json::object& body);

// ?category=&limit=&cursor= of the product list.
struct ProductPageRequest {
  std::optional<std::string> category;
  std::size_t limit = 20;
  std::optional<std::string> after;
  std::string fingerprint;
};
ProductPageRequest parse_product_page_request(const std::string& merchant_id, std::optional<std::string_view> category,
                                              std::optional<std::string_view> limit,
                                              std::optional<std::string_view> cursor);

boost::json::object to_json(const Product& product);
boost::json::object to_json(const ProductPage& page, std::string_view fingerprint);

boost::json::value product_schema();
boost::json::value new_product_schema();
boost::json::value product_patch_schema();
boost::json::value product_page_schema();

}  // namespace nelo::catalog
