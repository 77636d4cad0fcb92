#pragma once
// Request and response bodies of /api/v1/catalog/merchants: strict parsing into validated domain
// values (every problem reported at once as a 422), JSON serialization, and their OpenAPI schemas.
// Unknown fields are refused, never ignored: a body cannot set ids, owners or timestamps.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "modules/catalog/models.hpp"

namespace nelo::catalog {

// POST /catalog/merchants.
NewMerchant parse_new_merchant(const boost::json::object& body);
// PATCH /catalog/merchants/{id}: any subset of the fields, at least one; null clears description;
// lat and lng change together; opening_hours and min_order are replaced whole.
MerchantPatch parse_merchant_patch(const boost::json::object& body);

// GET /catalog/merchants?lat=&lng=&radius_m=&q=&open_now=&limit=&cursor= as received.
struct SearchParameters {
  std::optional<std::string_view> lat;
  std::optional<std::string_view> lng;
  std::optional<std::string_view> radius_m;
  std::optional<std::string_view> q;
  std::optional<std::string_view> open_now;
  std::optional<std::string_view> limit;
  std::optional<std::string_view> cursor;
};
struct ParsedSearch {
  MerchantSearch search;
  std::string fingerprint;  // binds the page's next_cursor to these parameters
};
ParsedSearch parse_merchant_search(const SearchParameters& parameters);

// GET /catalog/me/merchants?limit=&cursor=.
struct OwnedPageRequest {
  std::size_t limit = 20;
  std::optional<std::string> after;
  std::string fingerprint;
};
OwnedPageRequest parse_owned_page_request(const std::string& owner_id, std::optional<std::string_view> limit,
                                          std::optional<std::string_view> cursor);

// Who reads the merchant: its owner_id is shown only to those who manage it.
enum class Audience { Public, Manager };

boost::json::object to_json(const Merchant& merchant, Audience audience);
boost::json::object to_json(const MerchantSearchPage& page, std::string_view fingerprint);
boost::json::object to_json(const MerchantPage& page, std::string_view fingerprint);

// OpenAPI 3.1 (JSON Schema) descriptions of the bodies above.
boost::json::value merchant_schema(Audience audience);
boost::json::value new_merchant_schema();
boost::json::value merchant_patch_schema();
boost::json::value merchant_search_page_schema();
boost::json::value merchant_page_schema();

}  // namespace nelo::catalog
