#pragma once
// The operations an OpenAPI document (what GET /openapi.json serves) describes, flattened for
// tests that walk every route: method, path template, parameters, request body schema, the
// statuses it documents and who may call it.
//   for (const auto& op : openapi_operations(client.get("/openapi.json").json().as_object())) ...

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <set>
#include <string>
#include <vector>

namespace nelo::test {

struct OperationParameter {
  std::string name;
  std::string in;  // "path", "query" or "header"
  bool required = false;
  boost::json::value schema;
};

struct Operation {
  std::string method;  // upper case: "GET"
  std::string path;    // the template: "/api/v1/orders/{id}"
  std::string operation_id;
  std::vector<OperationParameter> parameters;
  boost::json::value body_schema;  // null: no request body
  std::set<int> statuses;          // every documented response status
  std::set<int> problem_statuses;  // those documented as application/problem+json
  bool is_public = false;          // `security: []`
  std::vector<std::string> roles;  // x-roles; empty and not public: any signed-in caller

  std::string name() const { return method + " " + path; }
  std::vector<const OperationParameter*> parameters_in(std::string_view where) const;
};

// Every operation of the document, in document order. Throws std::runtime_error when the
// document lacks `paths`.
std::vector<Operation> openapi_operations(const boost::json::object& document);

}  // namespace nelo::test
