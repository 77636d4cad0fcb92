#pragma once
// A route: method + path template + explicit auth policy + handler + its OpenAPI description.
// Policy has no default: a route cannot be declared without saying who may call it.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace nelo::http {

class Policy {
 public:
  enum class Kind { Public, Authenticated, Roles };

  static Policy public_access() { return Policy(Kind::Public, {}); }
  static Policy authenticated() { return Policy(Kind::Authenticated, {}); }
  static Policy roles(std::initializer_list<std::string> roles) { return Policy(Kind::Roles, roles); }

  Kind kind() const noexcept { return kind_; }
  const std::vector<std::string>& allowed_roles() const noexcept { return roles_; }
  std::string describe() const;  // "public", "authenticated", "roles: admin, merchant"

 private:
  Policy(Kind kind, std::vector<std::string> roles) : kind_(kind), roles_(std::move(roles)) {}
  Kind kind_;
  std::vector<std::string> roles_;
};

// OpenAPI description of one operation. Schemas are JSON Schema (OpenAPI 3.1) values.
struct RouteDoc {
  std::string summary;
  std::string description;
  std::string tag;  // defaults to the module name
  boost::json::value request_body;  // null: no body
  struct ResponseDoc {
    int status;
    std::string description;
    boost::json::value schema;  // null: no body
  };
  std::vector<ResponseDoc> responses;
  struct ParamDoc {
    std::string name;
    std::string in;  // "query" | "header" (path params come from the template)
    bool required = false;
    std::string description;
    boost::json::value schema;
  };
  std::vector<ParamDoc> parameters;
};

// A response documented as an RFC 9457 problem (build_openapi gives it the Problem schema).
inline RouteDoc::ResponseDoc problem_response(int status, std::string description) {
  return {status, std::move(description), nullptr};
}

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  std::string method;
  std::string path;  // template: "/api/v1/orders/{id}"
  Policy policy;
  Handler handler;
  std::string module;  // metrics label and default OpenAPI tag
  RouteDoc doc;
  std::size_t body_limit = 0;  // 0: server default
};

}  // namespace nelo::http
