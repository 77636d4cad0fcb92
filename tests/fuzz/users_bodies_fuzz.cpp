// The users module's request readers (modules/users/api/v1/schemas.hpp), fed any JSON object:
// each returns its value or throws one of Nelo's typed errors (a 4xx), never anything else.

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "modules/users/api/v1/schemas.hpp"

using namespace nelo::users;
using nelo::fuzz::only_typed_errors;
using nelo::fuzz::query;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  only_typed_errors("parse_profile_patch", [&] { (void)parse_profile_patch(*body); });
  only_typed_errors("parse_new_address", [&] { (void)parse_new_address(*body); });
  only_typed_errors("parse_address_patch", [&] { (void)parse_address_patch(*body); });
  only_typed_errors("parse_page_request",
                    [&] { (void)parse_page_request(query(*body, "limit"), query(*body, "cursor")); });
  return 0;
}
