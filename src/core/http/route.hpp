#pragma once
// A route: method + path template + explicit auth policy + handler + its OpenAPI description +
// what it acts on (Access). Policy has no default: a route cannot be declared without saying who
// may call it. Access defaults to undeclared, which `nelo serve` refuses to start with (and the
// architecture and authorization-matrix tests name): every served route says what it acts on.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/http/request.hpp"
#include "core/http/response.hpp"
#include "core/http/websocket.hpp"

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

// What a route acts on, and what a caller the policy lets in gets for another user's object.
// It documents the route (OpenAPI `x-access`, and the 403/404 it implies) and is the expected
// answer of the authorization matrix test (tests/e2e/authorization_matrix_e2etest.cpp).
class Access {
 public:
  enum class Kind { Undeclared, None, Self, Object };
  // What another user's object answers to a caller the policy lets in.
  enum class Others {
    Visible,    // anyone the policy lets in may use anyone's (public catalog reads)
    NotFound,   // 404, as if it did not exist: existence is not leaked
    Forbidden,  // 403
  };
  enum class Admins { LikeOthers, ReachAll };

  // No object of a user: token endpoints, public reads without an object, platform-wide admin
  // views. Path parameters (if any) name no user's object: only public or admin-only routes.
  static Access none() { return Access(Kind::None, {}, Others::Visible, Admins::LikeOthers); }
  // The caller's own account or resources, never named in the path: /users/me, /auth/password,
  // lists scoped to the caller, creating something the caller will own.
  static Access self() { return Access(Kind::Self, {}, Others::Visible, Admins::LikeOthers); }
  // The path names an object of kind `object` ("order", "address", "merchant", "product",
  // "user"): another user's answers `others`; admins get the same unless `admins` is ReachAll.
  static Access object(std::string object, Others others, Admins admins) {
    return Access(Kind::Object, std::move(object), others, admins);
  }
  // The usual cases, by name: anyone's is readable (a public catalog); only its owner reaches it
  // (others, admins included, get 404); its owner and admins reach it (others get 404).
  static Access anyones(std::string object) {
    return Access::object(std::move(object), Others::Visible, Admins::ReachAll);
  }
  static Access owners(std::string object) {
    return Access::object(std::move(object), Others::NotFound, Admins::LikeOthers);
  }
  static Access owners_and_admins(std::string object) {
    return Access::object(std::move(object), Others::NotFound, Admins::ReachAll);
  }
  // The default of Route::access: a route that forgot to say (see the top of this file).
  static Access undeclared() { return Access(Kind::Undeclared, {}, Others::Visible, Admins::LikeOthers); }

  Kind kind() const noexcept { return kind_; }
  const std::string& object_kind() const noexcept { return object_; }
  Others others() const noexcept { return others_; }
  Admins admins() const noexcept { return admins_; }
  // {"scope": "none" | "self" | "object" | "undeclared"} plus, for objects,
  // "object": kind, "others": 404 | 403 | "visible", "admins": "reach_all" | "like_others".
  boost::json::value to_json() const;
  std::string describe() const;  // "none", "self", "order (others: 404, admins: all)"

 private:
  Access(Kind kind, std::string object, Others others, Admins admins)
      : kind_(kind), object_(std::move(object)), others_(others), admins_(admins) {}
  Kind kind_;
  std::string object_;
  Others others_;
  Admins admins_;
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

// ?limit= and ?cursor= of a cursor-paginated list, as every list reads them (read_page_limit,
// TimeIdCursor): the limit at least 1, `default_size` when absent, values above `max_size` clamped.
std::vector<RouteDoc::ParamDoc> page_parameters(std::size_t default_size, std::size_t max_size);

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  std::string method;
  std::string path;  // template: "/api/v1/orders/{id}"
  Policy policy;
  Handler handler;
  std::string module;  // metrics label and default OpenAPI tag
  RouteDoc doc;
  std::size_t body_limit = 0;  // 0: server default
  Access access = Access::undeclared();  // after the positional fields test routes name
  // Set on a GET route that upgrades to a WebSocket: an upgrade request is handed to it (after
  // the policy admitted the caller); any other request runs `handler` as usual.
  WebSocketHandler websocket{};
  WebSocketOptions websocket_options{};
};

// Why a route's Access declaration is wrong (empty: fine): undeclared; self with a path
// parameter; an object without a path parameter or kind; none with a path parameter on a route
// that is neither public nor admin-only; a public route whose objects are not visible to all.
std::vector<std::string> access_problems(const Route& route);

}  // namespace nelo::http
