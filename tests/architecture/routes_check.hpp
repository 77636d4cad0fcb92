#pragma once
// Checks on `nelo routes --json` and `nelo openapi`, as functions of their JSON so that the
// tests can prove each rule fails on a synthetic offender.

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "architecture/scan.hpp"

namespace nelo::arch {

namespace json = boost::json;

// Routes anyone may call without a token. A new public route fails the policy test until it is
// added here, in review, with the reason.
inline const std::set<std::pair<std::string, std::string>> kPublicRoutes = {
    {"GET", "/health/live"},   // liveness probe
    {"GET", "/health/ready"},  // readiness probe (load balancers, orchestrators)
    {"GET", "/openapi.json"},  // the API description
    {"GET", "/docs"},          // the documentation UI
    {"GET", "/docs/{file}"},   // its static assets
    {"POST", "/api/v1/auth/register"},  // creating an account precedes having a token
    {"POST", "/api/v1/auth/login"},     // obtaining a token (throttled per account and address)
    {"POST", "/api/v1/auth/refresh"},   // the refresh token is the credential (access token expired)
    {"GET", "/.well-known/jwks.json"},  // public keys, so other services verify tokens alone
    // The catalog is a shop window: browsing merchants and menus precedes having an account.
    {"GET", "/api/v1/catalog/merchants"},                                  // search near a point
    {"GET", "/api/v1/catalog/merchants/{id}"},                             // one merchant
    {"GET", "/api/v1/catalog/merchants/{id}/products"},                    // its menu
    {"GET", "/api/v1/catalog/merchants/{id}/products/{product_id}"},       // one product
    // A payment provider has no account: the webhook's signature (HMAC, shared secret) is its
    // credential, checked before anything is read (docs/api/payments.md).
    {"POST", "/api/v1/payments/webhooks/{provider}"},
    // The simulated card processor's 3-D Secure page: the customer's browser opens it as the bank's
    // page, outside nelo's API; the unguessable reference in its URL is the only key, as at a bank.
    {"GET", "/api/v1/payments/sandbox/3ds/{reference}"},
    {"POST", "/api/v1/payments/sandbox/3ds/{reference}"},
    // The real-time WebSocket: a browser cannot set the Authorization header on an upgrade, so the
    // connection authenticates itself (header, or a first "auth" message) and closes with 4000
    // without a valid token (docs/realtime.md).
    {"GET", "/api/v1/realtime"},
};

inline const std::set<std::string> kRoles = {"customer", "merchant", "driver", "admin"};

inline std::string route_name(const json::object& r) {
  auto str = [&](const char* key) -> std::string {
    auto* v = r.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string("?");
  };
  return str("method") + " " + str("path");
}

inline bool has_segment(const std::string& path, const std::string& segment) {
  return ("/" + path + "/").find("/" + segment + "/") != std::string::npos;
}

// Every route has an explicit, well-formed policy; public routes are exactly the allow-list;
// anything under an /admin/ path is admin-only.
inline std::vector<std::string> route_policy_problems(const json::value& routes,
                                                      const std::set<std::pair<std::string, std::string>>& allowed_public) {
  std::vector<std::string> problems;
  if (!routes.is_array()) return {"routes --json did not print a JSON array"};
  std::set<std::pair<std::string, std::string>> seen_public;
  for (const auto& item : routes.as_array()) {
    if (!item.is_object()) {
      problems.push_back("a route entry is not an object: " + json::serialize(item));
      continue;
    }
    const auto& r = item.as_object();
    auto name = route_name(r);
    auto* method = r.if_contains("method");
    auto* path = r.if_contains("path");
    auto* module = r.if_contains("module");
    if (!method || !method->is_string() || !path || !path->is_string() || path->as_string().empty() ||
        path->as_string()[0] != '/') {
      problems.push_back(name + ": missing or malformed method/path");
      continue;
    }
    if (!module || !module->is_string() || module->as_string().empty()) problems.push_back(name + ": no module");
    auto* policy = r.if_contains("policy");
    if (!policy || !policy->is_object()) {
      problems.push_back(name + ": no policy");
      continue;
    }
    auto* kind = policy->as_object().if_contains("kind");
    std::string k = kind && kind->is_string() ? std::string(kind->as_string()) : "";
    std::vector<std::string> roles;
    if (auto* rs = policy->as_object().if_contains("roles"); rs && rs->is_array()) {
      for (const auto& role : rs->as_array()) roles.push_back(role.is_string() ? std::string(role.as_string()) : "?");
    }
    std::pair<std::string, std::string> key{std::string(method->as_string()), std::string(path->as_string())};
    if (k == "public") {
      seen_public.insert(key);
      if (!allowed_public.contains(key)) {
        problems.push_back(name + ": public route not in the allow-list (tests/architecture/routes_check.hpp "
                                  "kPublicRoutes); give it a policy, or add it there with the reason");
      }
    } else if (k == "authenticated") {
      // nothing more to check
    } else if (k == "roles") {
      if (roles.empty()) problems.push_back(name + ": policy 'roles' with no role");
      for (const auto& role : roles) {
        if (!kRoles.contains(role)) problems.push_back(name + ": unknown role '" + role + "'");
      }
    } else {
      problems.push_back(name + ": policy kind '" + k + "' is not public, authenticated or roles");
    }
    if (has_segment(key.second, "admin") && (k != "roles" || std::find(roles.begin(), roles.end(), "admin") == roles.end())) {
      problems.push_back(name + ": an /admin/ route must require the admin role");
    }
  }
  for (const auto& key : allowed_public) {
    if (!seen_public.contains(key)) {
      problems.push_back(key.first + " " + key.second +
                         ": in the public allow-list but not served as public: remove it from kPublicRoutes");
    }
  }
  return problems;
}

// Every route declares what it acts on (`access`, from http::Access), consistently with its path
// and policy: the authorization matrix test reads the same declaration from /openapi.json.
inline std::vector<std::string> route_access_problems(const json::value& routes) {
  std::vector<std::string> problems;
  if (!routes.is_array()) return {"routes --json did not print a JSON array"};
  for (const auto& item : routes.as_array()) {
    if (!item.is_object()) continue;
    const auto& r = item.as_object();
    auto name = route_name(r);
    auto* path = r.if_contains("path");
    const bool params = path && path->is_string() && std::string(path->as_string()).find('{') != std::string::npos;
    std::string kind;
    std::vector<std::string> roles;
    if (auto* pol = r.if_contains("policy"); pol && pol->is_object()) {
      if (auto* k = pol->as_object().if_contains("kind"); k && k->is_string()) kind = k->as_string();
      if (auto* rs = pol->as_object().if_contains("roles"); rs && rs->is_array()) {
        for (const auto& role : rs->as_array()) roles.push_back(role.is_string() ? std::string(role.as_string()) : "?");
      }
    }
    const bool admin_only = kind == "roles" && roles == std::vector<std::string>{"admin"};
    auto* access = r.if_contains("access");
    auto* scope = access && access->is_object() ? access->as_object().if_contains("scope") : nullptr;
    std::string s = scope && scope->is_string() ? std::string(scope->as_string()) : "";
    if (s.empty() || s == "undeclared") {
      problems.push_back(name + ": declares no access: give its Route `.access = http::Access::none()`, `self()` "
                                "or an object (`owners(\"order\")`...), see docs/architecture.md");
    } else if (s == "self") {
      if (params) problems.push_back(name + ": access self, but the path names a parameter: declare its object");
    } else if (s == "none") {
      if (params && kind != "public" && !admin_only) {
        problems.push_back(name + ": access none with a path parameter on a route neither public nor admin-only: "
                                  "declare the object it names");
      }
    } else if (s == "object") {
      const auto& a = access->as_object();
      auto* object = a.if_contains("object");
      auto* others = a.if_contains("others");
      auto* admins = a.if_contains("admins");
      if (!params) problems.push_back(name + ": access object, but the path names no parameter");
      if (!object || !object->is_string() || object->as_string().empty()) problems.push_back(name + ": object kind missing");
      const bool visible = others && others->is_string() && others->as_string() == "visible";
      const bool hidden = others && others->is_int64() && (others->as_int64() == 404 || others->as_int64() == 403);
      if (!visible && !hidden) problems.push_back(name + ": others must be 404, 403 or \"visible\"");
      if (kind == "public" && !visible) problems.push_back(name + ": a public route's objects are visible to all");
      if (!admins || !admins->is_string() || (admins->as_string() != "reach_all" && admins->as_string() != "like_others")) {
        problems.push_back(name + ": admins must be \"reach_all\" or \"like_others\"");
      }
    } else {
      problems.push_back(name + ": unknown access scope '" + s + "'");
    }
  }
  return problems;
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The document is OpenAPI 3.1.x and describes every route: summary, a success response, and
// security matching the route's policy.
inline std::vector<std::string> openapi_problems(const json::value& doc, const json::value& routes) {
  std::vector<std::string> problems;
  if (!doc.is_object()) return {"openapi did not print a JSON object"};
  const auto& d = doc.as_object();
  auto* version = d.if_contains("openapi");
  if (!version || !version->is_string() || !std::string(version->as_string()).starts_with("3.1.")) {
    problems.push_back("\"openapi\" is not 3.1.x: " + (version ? json::serialize(*version) : std::string("missing")));
  }
  auto* info = d.if_contains("info");
  if (!info || !info->is_object() || !info->as_object().if_contains("title") ||
      !info->as_object().if_contains("version")) {
    problems.push_back("\"info\" needs a title and a version");
  }
  auto* paths = d.if_contains("paths");
  if (!paths || !paths->is_object()) {
    problems.push_back("no \"paths\" object");
    return problems;
  }
  if (!routes.is_array()) return {"routes --json did not print a JSON array"};
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& item : routes.as_array()) {
    if (!item.is_object()) continue;
    const auto& r = item.as_object();
    auto name = route_name(r);
    auto* m = r.if_contains("method");
    auto* p = r.if_contains("path");
    if (!m || !m->is_string() || !p || !p->is_string()) continue;
    std::string method = lower(std::string(m->as_string()));
    std::string path(p->as_string());
    registered.insert({method, path});
    auto* item_obj = paths->as_object().if_contains(path);
    auto* op = item_obj && item_obj->is_object() ? item_obj->as_object().if_contains(method) : nullptr;
    if (!op || !op->is_object()) {
      problems.push_back(name + ": missing from the OpenAPI document");
      continue;
    }
    const auto& o = op->as_object();
    auto* summary = o.if_contains("summary");
    if (!summary || !summary->is_string() || summary->as_string().empty()) {
      problems.push_back(name + ": no summary (RouteDoc::summary)");
    }
    auto* responses = o.if_contains("responses");
    bool success = false;
    if (responses && responses->is_object()) {
      // 101: a WebSocket route's success is the switch of protocols.
      for (const auto& [status, _] : responses->as_object()) {
        success |= !status.empty() && (status[0] == '2' || status[0] == '3' || status == "101");
      }
    }
    if (!success) problems.push_back(name + ": no documented 2xx/3xx (or 101) response (RouteDoc::responses)");
    // Security must say what the policy says.
    std::string kind;
    if (auto* pol = r.if_contains("policy"); pol && pol->is_object()) {
      if (auto* k = pol->as_object().if_contains("kind"); k && k->is_string()) kind = k->as_string();
    }
    auto* security = o.if_contains("security");
    bool open = security && security->is_array() && security->as_array().empty();
    if (kind == "public" && !open) problems.push_back(name + ": public route documented as secured");
    if (!kind.empty() && kind != "public" && (!security || open)) problems.push_back(name + ": protected route documented as open");
    // The access declaration is documented as it is declared.
    auto* declared = r.if_contains("access");
    auto* documented = o.if_contains("x-access");
    if (declared && (!documented || *documented != *declared)) {
      problems.push_back(name + ": x-access does not say what the route declares (" + json::serialize(*declared) + ")");
    }
  }
  for (const auto& [path, item] : paths->as_object()) {
    if (!item.is_object()) continue;
    for (const auto& [method, _] : item.as_object()) {
      static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
      if (kMethods.contains(std::string(method)) && !registered.contains({std::string(method), std::string(path)})) {
        problems.push_back(std::string(method) + " " + std::string(path) + ": documented but not served");
      }
    }
  }
  return problems;
}

inline std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

}  // namespace nelo::arch
