// The auth module's request readers (modules/auth/api/v1/schemas.hpp), fed any JSON object:
// each returns its DTO or throws one of Nelo's typed errors (a 4xx), never anything else.

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "core/http/request.hpp"
#include "modules/auth/api/v1/schemas.hpp"

using namespace nelo::auth::api::v1;
using nelo::fuzz::only_typed_errors;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  only_typed_errors("parse_registration", [&] { (void)parse_registration(*body); });
  only_typed_errors("parse_login", [&] { (void)parse_login(*body); });
  only_typed_errors("parse_refresh", [&] { (void)parse_refresh(*body); });
  only_typed_errors("parse_password_change", [&] { (void)parse_password_change(*body); });
  only_typed_errors("parse_roles", [&] { (void)parse_roles(*body); });
  only_typed_errors("parse_role_application", [&] { (void)parse_role_application(*body); });

  nelo::http::Request request;
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  for (const auto& name : {"limit", "cursor", "role", "email", "status", "user_id"}) {
    if (auto value = nelo::fuzz::query(*body, name)) request.query_params.emplace_back(name, *value);
  }
  only_typed_errors("parse_logout", [&] { (void)parse_logout(request); });
  only_typed_errors("parse_user_list_query", [&] { (void)parse_user_list_query(request); });
  only_typed_errors("parse_application_list_query", [&] { (void)parse_application_list_query(request); });
  return 0;
}
