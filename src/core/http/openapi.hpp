#pragma once
// Builds the OpenAPI 3.1 document from the registered routes, so the document cannot drift
// from what the server actually serves.

#include <boost/json/object.hpp>

#include <string>

#include "core/http/router.hpp"

namespace nelo::http {

struct OpenApiInfo {
  std::string title = "Nelo API";
  std::string version;
  std::string description;
};

boost::json::object build_openapi(const Router& router, const OpenApiInfo& info);

// JSON Schema of an RFC 9457 problem document (components/schemas/Problem).
boost::json::value problem_schema();

}  // namespace nelo::http
