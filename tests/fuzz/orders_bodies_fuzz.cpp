// The orders module's request readers (modules/orders/api/v1/schemas.hpp), fed any JSON object:
// each returns its value or throws one of Nelo's typed errors (a 4xx), never anything else.

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "modules/orders/api/v1/schemas.hpp"

using namespace nelo::orders;
using nelo::fuzz::only_typed_errors;
using nelo::fuzz::query;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  const auto& b = *body;
  only_typed_errors("parse_order_request(Quote)", [&] { (void)parse_order_request(b, RequestKind::Quote); });
  only_typed_errors("parse_order_request(Place)", [&] { (void)parse_order_request(b, RequestKind::Place); });
  only_typed_errors("parse_reason(required)", [&] { (void)parse_reason(b, true); });
  only_typed_errors("parse_reason(optional)", [&] { (void)parse_reason(b, false); });
  only_typed_errors("parse_list_query",
                    [&] { (void)parse_list_query(query(b, "status"), query(b, "limit"), query(b, "cursor")); });
  return 0;
}
