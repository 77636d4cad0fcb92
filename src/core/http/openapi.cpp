#include "core/http/openapi.hpp"

#include <boost/json.hpp>

#include <map>
#include <set>

namespace nelo::http {
namespace json = boost::json;
namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::vector<std::string> path_params(const std::string& path) {
  std::vector<std::string> names;
  for (std::size_t i = path.find('{'); i != std::string::npos; i = path.find('{', i + 1)) {
    auto end = path.find('}', i);
    if (end == std::string::npos) break;
    names.push_back(path.substr(i + 1, end - i - 1));
  }
  return names;
}

json::object problem_document(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

// Responses every operation can produce besides its documented ones.
void add_standard_responses(json::object& responses, const Route& route) {
  auto add = [&](int status, const char* description) {
    auto key = std::to_string(status);
    if (!responses.contains(key)) responses[key] = problem_document(description);
  };
  // What the HTTP layer answers for any route, before or around its handler: a target that is not
  // a valid URI, a request line or headers over the limit, a body over the limit or not JSON (a
  // body sent to an operation that takes none included).
  const bool takes_body = !route.doc.request_body.is_null();
  add(400, takes_body ? "Malformed request (invalid JSON, duplicate keys, too deep; a target that is not a valid URI, or a query or path that is not UTF-8)"
                      : "Malformed request target (not a valid URI, or a query or path that is not UTF-8 once decoded)");
  add(413, "Request body too large");
  add(415, "Body is not application/json");
  add(431, "Request line or header fields too large");
  if (takes_body) add(422, "Validation failed; `errors` lists each field");
  if (route.policy.kind() != Policy::Kind::Public) {
    add(401, "Missing, invalid or expired access token");
    if (route.policy.kind() == Policy::Kind::Roles) add(403, "The caller's role may not do this");
  }
  // What another user's object answers (Route::access): documented even when the route's own
  // responses forgot it.
  const auto& access = route.access;
  if (access.kind() == Access::Kind::Object) {
    auto key = [](int status) { return std::to_string(status); };
    if (access.others() == Access::Others::NotFound && !responses.contains(key(404))) {
      responses[key(404)] = problem_document("No such " + access.object_kind() +
                                             " among those you may reach (another user's answers the same)");
    }
    if (access.others() == Access::Others::Forbidden && !responses.contains(key(403))) {
      responses[key(403)] = problem_document("The " + access.object_kind() + " is another user's");
    }
  }
  add(500, "Unexpected error (details are in the server log under the request id)");
  // Admission control (NELO_HTTP_MAX_IN_FLIGHT, NELO_HTTP_MAX_CONNECTIONS), or a dependency down.
  add(503, "Too busy, or a dependency is unavailable; retry after the Retry-After seconds");
}

json::object operation(const Route& route) {
  json::object op;
  op["operationId"] = lower(route.method) + "_" + [&] {
    std::string id;
    for (char ch : route.path) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    return id;
  }();
  op["summary"] = route.doc.summary;
  if (!route.doc.description.empty()) op["description"] = route.doc.description;
  op["tags"] = json::array{route.doc.tag.empty() ? route.module : route.doc.tag};

  json::array parameters;
  for (const auto& name : path_params(route.path)) {
    parameters.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const auto& p : route.doc.parameters) {
    json::object param{{"name", p.name}, {"in", p.in}, {"required", p.required}};
    if (!p.description.empty()) param["description"] = p.description;
    param["schema"] = p.schema.is_null() ? json::value(json::object{{"type", "string"}}) : p.schema;
    parameters.push_back(std::move(param));
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);

  if (!route.doc.request_body.is_null()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", route.doc.request_body}}}}}};
  }

  json::object responses;
  for (const auto& r : route.doc.responses) {
    if (r.schema.is_null() && r.status >= 400) {  // documented with http::problem_response
      responses[std::to_string(r.status)] = problem_document(r.description);
      continue;
    }
    json::object response{{"description", r.description.empty() ? "OK" : r.description}};
    if (!r.schema.is_null()) {
      bool problem = r.status >= 400;
      response["content"] = {{problem ? "application/problem+json" : "application/json", {{"schema", r.schema}}}};
    }
    responses[std::to_string(r.status)] = std::move(response);
  }
  add_standard_responses(responses, route);
  op["responses"] = std::move(responses);

  switch (route.policy.kind()) {
    case Policy::Kind::Public:
      op["security"] = json::array{};
      break;
    case Policy::Kind::Authenticated:
      op["security"] = json::array{{{"bearerAuth", json::array{}}}};
      break;
    case Policy::Kind::Roles: {
      op["security"] = json::array{{{"bearerAuth", json::array{}}}};
      json::array roles;
      for (const auto& role : route.policy.allowed_roles()) roles.push_back(json::string(role));
      op["x-roles"] = std::move(roles);
      break;
    }
  }
  // Who owns what the route acts on: the declaration the authorization matrix test checks.
  op["x-access"] = route.access.to_json();
  return op;
}

}  // namespace

json::value problem_schema() {
  return {{"type", "object"},
          {"required", json::array{"type", "title", "status"}},
          {"properties",
           {{"type", {{"type", "string"}, {"description", "URI reference identifying the problem type"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}}},
            {"detail", {{"type", "string"}}},
            {"instance", {{"type", "string"}}},
            {"request_id", {{"type", "string"}}},
            {"errors",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"required", json::array{"field", "message"}},
                {"properties", {{"field", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}};
}

json::object build_openapi(const Router& router, const OpenApiInfo& info) {
  json::object paths;
  std::set<std::string> tags;
  for (const auto& route : router.routes()) {
    auto& item = paths[route.path];
    if (!item.is_object()) item = json::object{};
    item.as_object()[lower(route.method)] = operation(route);
    tags.insert(route.doc.tag.empty() ? route.module : route.doc.tag);
  }
  json::array tag_list;
  for (const auto& t : tags) tag_list.push_back(json::object{{"name", t}});

  json::object info_obj{{"title", info.title}, {"version", info.version}};
  if (!info.description.empty()) info_obj["description"] = info.description;

  return {{"openapi", "3.1.0"},
          {"info", std::move(info_obj)},
          {"servers", json::array{{{"url", "/"}}}},
          {"tags", std::move(tag_list)},
          {"paths", std::move(paths)},
          {"components",
           {{"schemas", {{"Problem", problem_schema()}}},
            {"securitySchemes",
             {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
}

}  // namespace nelo::http
