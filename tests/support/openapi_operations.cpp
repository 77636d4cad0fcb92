#include "support/openapi_operations.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace nelo::test {

namespace json = boost::json;

std::vector<const OperationParameter*> Operation::parameters_in(std::string_view where) const {
  std::vector<const OperationParameter*> out;
  for (const auto& p : parameters) {
    if (p.in == where) out.push_back(&p);
  }
  return out;
}

std::vector<Operation> openapi_operations(const json::object& document) {
  const json::value* paths = document.if_contains("paths");
  if (!paths || !paths->is_object()) throw std::runtime_error("the OpenAPI document has no paths");
  std::vector<Operation> out;
  for (const auto& [path, item] : paths->as_object()) {
    if (!item.is_object()) continue;
    for (const auto& [method, value] : item.as_object()) {
      if (!value.is_object()) continue;
      const json::object& op = value.as_object();
      Operation operation;
      for (char c : std::string_view(method)) operation.method += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operation.path = std::string(path);
      if (const auto* id = op.if_contains("operationId"); id && id->is_string()) operation.operation_id = std::string(id->as_string());
      if (const auto* parameters = op.if_contains("parameters"); parameters && parameters->is_array()) {
        for (const auto& p : parameters->as_array()) {
          OperationParameter parameter;
          parameter.name = std::string(p.at("name").as_string());
          parameter.in = std::string(p.at("in").as_string());
          if (const auto* required = p.as_object().if_contains("required"); required && required->is_bool()) {
            parameter.required = required->as_bool();
          }
          if (const auto* schema = p.as_object().if_contains("schema")) parameter.schema = *schema;
          operation.parameters.push_back(std::move(parameter));
        }
      }
      if (const auto* body = op.if_contains("requestBody"); body && body->is_object()) {
        const auto* content = body->as_object().if_contains("content");
        const json::value* json_content = content && content->is_object() ? content->as_object().if_contains("application/json") : nullptr;
        if (json_content && json_content->is_object()) {
          if (const auto* schema = json_content->as_object().if_contains("schema")) operation.body_schema = *schema;
        }
        if (operation.body_schema.is_null()) operation.body_schema = json::object{};  // a body of any shape
      }
      if (const auto* responses = op.if_contains("responses"); responses && responses->is_object()) {
        for (const auto& [status, response] : responses->as_object()) {
          int code = std::atoi(std::string(status).c_str());
          if (code == 0) continue;
          operation.statuses.insert(code);
          const auto* content = response.is_object() ? response.as_object().if_contains("content") : nullptr;
          if (content && content->is_object() && content->as_object().contains("application/problem+json")) {
            operation.problem_statuses.insert(code);
          }
        }
      }
      if (const auto* security = op.if_contains("security"); security && security->is_array()) {
        operation.is_public = security->as_array().empty();
      }
      if (const auto* roles = op.if_contains("x-roles"); roles && roles->is_array()) {
        for (const auto& role : roles->as_array()) operation.roles.emplace_back(role.as_string());
      }
      out.push_back(std::move(operation));
    }
  }
  return out;
}

}  // namespace nelo::test
