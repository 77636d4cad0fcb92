#pragma once
// The authorization matrix, read from /openapi.json: each operation's policy (security, x-roles)
// and access declaration (x-access, from http::Access) say what every cell answers, where a cell
// is a route x a caller role (anonymous, customer, merchant, driver, admin) x a target (the
// caller's own object, or another user's). Pure functions: the e2e test sends the requests, and
// the self-checks below the e2e test prove the rules fail on wrong answers.

#include <boost/json.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::test::matrix {

namespace json = boost::json;

inline const std::vector<std::string> kRoles = {"anonymous", "customer", "merchant", "driver", "admin"};

// OthersUnderOwn: another user's object named under the caller's own parent, for paths that name
// two objects (/merchants/{mine}/products/{someone else's}): the classic way round an ownership
// check made on the parent only.
enum class Target { Own, Others, OthersUnderOwn };
inline const char* name(Target t) {
  return t == Target::Own ? "own" : t == Target::Others ? "other's" : "other's (under own parent)";
}

struct Route {
  std::string method;  // upper case
  std::string path;
  bool is_public = false;
  bool any_role = false;           // authenticated: every signed-in role
  std::vector<std::string> roles;  // when !any_role and !is_public
  std::string scope;               // none, self, object; empty or "undeclared": not declared
  std::string object;              // kind, for scope object
  json::value others;              // 404, 403 or "visible"
  bool admins_reach_all = false;
  json::value request_schema;  // null: no body
  std::vector<std::pair<std::string, json::value>> required_query;  // name, schema
  std::vector<std::string> path_params;

  std::string name() const { return method + " " + path; }
  bool admits(std::string_view role) const {
    if (is_public) return true;
    if (role == "anonymous") return false;
    if (any_role) return true;
    for (const auto& r : roles) {
      if (r == role) return true;
    }
    return false;
  }
  bool declared() const { return scope == "none" || scope == "self" || scope == "object"; }
};

inline std::vector<std::string> path_params_of(const std::string& path) {
  std::vector<std::string> names;
  for (std::size_t i = path.find('{'); i != std::string::npos; i = path.find('{', i + 1)) {
    auto end = path.find('}', i);
    if (end == std::string::npos) break;
    names.push_back(path.substr(i + 1, end - i - 1));
  }
  return names;
}

// Every operation of the document, as a matrix row.
inline std::vector<Route> routes_of(const json::value& openapi) {
  std::vector<Route> out;
  const auto& paths = openapi.at("paths").as_object();
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op_value] : item.as_object()) {
      static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch"};
      if (!kMethods.contains(std::string(method)) || !op_value.is_object()) continue;
      const auto& op = op_value.as_object();
      Route r;
      for (char ch : std::string(method)) r.method += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      r.path = path;
      const auto* security = op.if_contains("security");
      r.is_public = security && security->is_array() && security->as_array().empty();
      if (const auto* roles = op.if_contains("x-roles"); roles && roles->is_array()) {
        for (const auto& role : roles->as_array()) r.roles.emplace_back(role.as_string());
      } else {
        r.any_role = !r.is_public;
      }
      if (const auto* access = op.if_contains("x-access"); access && access->is_object()) {
        const auto& a = access->as_object();
        if (const auto* s = a.if_contains("scope"); s && s->is_string()) r.scope = s->as_string();
        if (const auto* o = a.if_contains("object"); o && o->is_string()) r.object = o->as_string();
        if (const auto* o = a.if_contains("others")) r.others = *o;
        if (const auto* ad = a.if_contains("admins"); ad && ad->is_string()) r.admins_reach_all = ad->as_string() == "reach_all";
      }
      if (const auto* body = op.if_contains("requestBody")) {
        boost::system::error_code ec;
        if (const auto* schema = body->find_pointer("/content/application~1json/schema", ec)) r.request_schema = *schema;
      }
      if (const auto* params = op.if_contains("parameters"); params && params->is_array()) {
        for (const auto& p : params->as_array()) {
          const auto& po = p.as_object();
          const bool required = po.contains("required") && po.at("required").is_bool() && po.at("required").as_bool();
          if (required && po.at("in").as_string() == "query") {
            r.required_query.emplace_back(std::string(po.at("name").as_string()),
                                          po.contains("schema") ? po.at("schema") : json::value(json::object{}));
          }
        }
      }
      r.path_params = path_params_of(r.path);
      out.push_back(std::move(r));
    }
  }
  return out;
}

// What a cell must answer.
struct Expectation {
  enum class Kind {
    NotApplicable,  // the caller has no such object (an admin's own order), or none/self has no other's
    Allowed,        // past the policy and the ownership check: see allowed()
    Status,         // exactly `status`
  };
  Kind kind = Kind::NotApplicable;
  int status = 0;
  bool may_be_404 = false;  // allowed, but the test names no real object (placeholders)
  bool may_be_401 = false;  // allowed on a public route whose own credential is in the body (login)

  // Allowed means the request got past authorization: any answer but 401, 403 and 404 (400, 409,
  // 415, 422 included: a body the test built from the schema may be refused on its merits), and
  // never a 5xx.
  bool accepts(int got) const {
    if (kind == Kind::Status) return got == status;
    if (kind != Kind::Allowed) return true;
    if (got >= 500 || got == 403) return false;
    if (got == 401) return may_be_401;
    if (got == 404) return may_be_404;
    return true;
  }
  std::string describe() const {
    if (kind == Kind::Status) return std::to_string(status);
    if (kind == Kind::NotApplicable) return "n/a";
    std::string out = "allowed (not 403";
    if (!may_be_401) out += ", 401";
    if (!may_be_404) out += ", 404";
    return out + ", 5xx)";
  }
};

inline Expectation allowed(const Route& r) {
  Expectation e;
  e.kind = Expectation::Kind::Allowed;
  e.may_be_401 = r.is_public;
  e.may_be_404 = r.scope != "object" && !r.path_params.empty();
  return e;
}

inline Expectation status(int s) {
  Expectation e;
  e.kind = Expectation::Kind::Status;
  e.status = s;
  return e;
}

// The declared answer of one cell. `has_own`: the caller owns an object of the route's kind.
inline Expectation expected(const Route& r, std::string_view role, Target target, bool has_own) {
  const bool object = r.scope == "object";
  if (target == Target::OthersUnderOwn) {  // the pair names nothing: 404 (403 where declared), even to admins
    if (role == "anonymous" || !object || !has_own || r.path_params.size() < 2) return {};
    if (!r.admits(role)) return status(403);
    return status(r.others.is_int64() && r.others.as_int64() == 403 ? 403 : 404);
  }
  if (role == "anonymous") {  // owns nothing: one cell, on someone's object when the route names one
    if (object ? target == Target::Own : target == Target::Others) return {};
    return r.is_public ? allowed(r) : status(401);
  }
  if (target == Target::Others && !object) return {};
  if (target == Target::Own && object && !has_own) return {};
  if (!r.admits(role)) return status(403);
  if (target == Target::Own) return allowed(r);
  if (r.others.is_string() && r.others.as_string() == "visible") return allowed(r);
  if (role == "admin" && r.admins_reach_all) return allowed(r);
  return status(r.others.is_int64() ? static_cast<int>(r.others.as_int64()) : 0);
}

}  // namespace nelo::test::matrix
