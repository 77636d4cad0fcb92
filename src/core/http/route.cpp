#include "core/http/route.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace nelo::http {
namespace json = boost::json;

std::string Policy::describe() const {
  switch (kind_) {
    case Kind::Public: return "public";
    case Kind::Authenticated: return "authenticated";
    case Kind::Roles: break;
  }
  std::string out = "roles: ";
  for (std::size_t i = 0; i < roles_.size(); ++i) {
    if (i) out += ", ";
    out += roles_[i];
  }
  return out;
}

namespace {

json::value others_json(Access::Others others) {
  switch (others) {
    case Access::Others::Visible: return "visible";
    case Access::Others::NotFound: return 404;
    case Access::Others::Forbidden: return 403;
  }
  return nullptr;
}

const char* scope_name(Access::Kind kind) {
  switch (kind) {
    case Access::Kind::Undeclared: return "undeclared";
    case Access::Kind::None: return "none";
    case Access::Kind::Self: return "self";
    case Access::Kind::Object: return "object";
  }
  return "undeclared";
}

bool has_path_parameter(const std::string& path) { return path.find('{') != std::string::npos; }

}  // namespace

json::value Access::to_json() const {
  json::object out{{"scope", scope_name(kind_)}};
  if (kind_ == Kind::Object) {
    out["object"] = object_;
    out["others"] = others_json(others_);
    out["admins"] = admins_ == Admins::ReachAll ? "reach_all" : "like_others";
  }
  return out;
}

std::string Access::describe() const {
  if (kind_ != Kind::Object) return scope_name(kind_);
  std::string others = others_ == Others::Visible ? "visible" : others_ == Others::NotFound ? "404" : "403";
  return object_ + " (others: " + others + (admins_ == Admins::ReachAll ? ", admins: all)" : ")");
}

std::vector<std::string> access_problems(const Route& route) {
  const auto& access = route.access;
  const bool params = has_path_parameter(route.path);
  const bool is_public = route.policy.kind() == Policy::Kind::Public;
  const auto& roles = route.policy.allowed_roles();
  const bool admin_only = route.policy.kind() == Policy::Kind::Roles && roles.size() == 1 && roles[0] == "admin";
  std::vector<std::string> problems;
  switch (access.kind()) {
    case Access::Kind::Undeclared:
      problems.push_back("declares no access (Route::access: http::Access::none(), self() or object(...))");
      break;
    case Access::Kind::Self:
      if (params) problems.push_back("access self, but the path names a parameter: declare the object it names");
      break;
    case Access::Kind::None:
      if (params && !is_public && !admin_only) {
        problems.push_back("access none, but the path names a parameter on a route that is neither public nor "
                           "admin-only: declare the object it names");
      }
      break;
    case Access::Kind::Object:
      if (!params) problems.push_back("access object, but the path names no parameter");
      if (access.object_kind().empty()) problems.push_back("access object without an object kind");
      if (is_public && access.others() != Access::Others::Visible) {
        problems.push_back("a public route cannot hide others' objects from their owner: anonymous callers are no one");
      }
      break;
  }
  return problems;
}

std::vector<RouteDoc::ParamDoc> page_parameters(std::size_t default_size, std::size_t max_size) {
  return {{"limit", "query", false,
           "Page size, at least 1 (default " + std::to_string(default_size) + "; values above " +
               std::to_string(max_size) + " are treated as " + std::to_string(max_size) + ")",
           json::object{{"type", "integer"}, {"minimum", 1}}},
          {"cursor", "query", false, "next_cursor of the previous page", json::object{{"type", "string"}}}};
}

}  // namespace nelo::http
