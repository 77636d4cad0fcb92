#pragma once
// The request as handlers see it: plain data, no Beast types (only core/http/*.cpp sees Beast).

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/security/principal.hpp"

namespace nelo::http {

class Request {
 public:
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path, without the query string
  std::string target;  // raw request target as received
  std::vector<std::pair<std::string, std::string>> query_params;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;       // names lower-cased
  std::vector<std::pair<std::string, std::string>> path_params;   // from the route template
  std::string body;
  std::optional<Principal> principal;  // set when the route's policy is not public
  std::string request_id;
  std::string remote_address;
  std::string route_template;  // "/api/v1/orders/{id}"
  std::size_t json_max_depth = 32;  // set by the server from ServerOptions::json_max_depth

  std::optional<std::string_view> header(std::string_view lower_case_name) const;
  std::optional<std::string_view> query(std::string_view name) const;
  // Path parameter by name; throws std::logic_error if the route has no such parameter.
  std::string_view param(std::string_view name) const;

  // The body parsed strictly (application/json required -> 415; malformed, too deep or
  // duplicate keys -> 400). An empty body is a 400.
  boost::json::value json() const;
  // Same, and the top level must be an object (else 422 on field "body").
  boost::json::object json_object() const;

  // The authenticated principal; throws Unauthorized if the route let an anonymous caller in.
  const Principal& user() const;
};

// "application/json", any case, with or without parameters ("; charset=utf-8").
bool is_json_content_type(std::string_view content_type) noexcept;

}  // namespace nelo::http
