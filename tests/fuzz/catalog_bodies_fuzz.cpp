// The catalog module's request readers (modules/catalog/api/v1/*_schemas.hpp), fed any JSON
// object: each returns its value or throws one of Nelo's typed errors (a 4xx), never anything
// else.

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "modules/catalog/api/v1/merchant_schemas.hpp"
#include "modules/catalog/api/v1/paging.hpp"
#include "modules/catalog/api/v1/product_schemas.hpp"

using namespace nelo::catalog;
using nelo::fuzz::only_typed_errors;
using nelo::fuzz::query;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  const auto& b = *body;
  only_typed_errors("parse_new_merchant", [&] { (void)parse_new_merchant(b); });
  only_typed_errors("parse_merchant_patch", [&] { (void)parse_merchant_patch(b); });
  only_typed_errors("parse_new_product", [&] { (void)parse_new_product(b); });
  only_typed_errors("parse_product_patch", [&] { (void)parse_product_patch(b); });
  only_typed_errors("parse_merchant_search", [&] {
    (void)parse_merchant_search({query(b, "lat"), query(b, "lng"), query(b, "radius_m"), query(b, "q"),
                                 query(b, "open_now"), query(b, "limit"), query(b, "cursor")});
  });
  only_typed_errors("parse_limit", [&] {
    nelo::Validator validator;
    const std::size_t limit = parse_limit(query(b, "limit"), validator);
    nelo::fuzz::check(limit >= 1 && limit <= kMaxPageSize, "parse_limit returned a size out of [1, kMaxPageSize]");
  });
  const std::string owner = "0190a8f0-0000-7000-8000-000000000001";
  only_typed_errors("parse_owned_page_request",
                    [&] { (void)parse_owned_page_request(owner, query(b, "limit"), query(b, "cursor")); });
  only_typed_errors("parse_product_page_request", [&] {
    (void)parse_product_page_request(owner, query(b, "category"), query(b, "limit"), query(b, "cursor"));
  });
  return 0;
}
