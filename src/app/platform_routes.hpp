#pragma once
// Routes the platform itself serves: health, readiness, the OpenAPI document and its UI on the
// public listener; metrics on the admin listener.

#include <atomic>
#include <string>

#include "core/http/router.hpp"

namespace nelo {
namespace db {
class Pool;
class Migrator;
}  // namespace db
namespace metrics {
class Registry;
}
}  // namespace nelo

namespace nelo::app {

struct Readiness;

struct PlatformRouteDeps {
  db::Pool* pool = nullptr;  // null: readiness always 503 (commands without a database)
  Readiness* readiness = nullptr;
  std::string docs_dir;      // swagger-ui-dist folder; empty: /docs explains how to get it
  std::string version;
};

// Must be called after every other route is registered: /openapi.json describes the router
// as it is at that moment (and includes the platform routes themselves).
void register_platform_routes(http::Router& router, const PlatformRouteDeps& deps);

// The admin listener's routes: GET /metrics. Never on the public router: the figures tell an
// outsider how busy the service is and which routes exist.
void register_admin_routes(http::Router& router, metrics::Registry& registry);

}  // namespace nelo::app
