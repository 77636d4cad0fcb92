#include "app/platform_routes.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <mutex>

#include "app/readiness.hpp"
#include "core/http/openapi.hpp"
#include "core/http/static_files.hpp"
#include "core/metrics/registry.hpp"

namespace nelo::app {
namespace json = boost::json;
using http::Policy;
using http::Request;
using http::Response;
using http::RouteDoc;

namespace {

RouteDoc doc(std::string summary, int status, json::value schema, std::string description = {}) {
  RouteDoc d;
  d.summary = std::move(summary);
  d.description = std::move(description);
  d.tag = "platform";
  d.responses.push_back({status, "OK", std::move(schema)});
  return d;
}

json::value status_schema() {
  return {{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}};
}

constexpr const char* kDocsMissing = R"(<!doctype html><html><head><title>Nelo API</title></head><body>
<h1>Nelo API</h1><p>The documentation UI (swagger-ui-dist) is not installed on this server.
<code>./scripts/run</code> fetches it; set <code>NELO_DOCS_DIR</code> to its folder.
The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p></body></html>)";

constexpr const char* kDocsIndex = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Nelo API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});</script>
</body></html>)";

}  // namespace

void register_platform_routes(http::Router& router, const PlatformRouteDeps& deps) {
  router.add({"GET", "/health/live", Policy::public_access(),
              [](Request&) -> boost::asio::awaitable<Response> {
                static const std::string kBody = R"({"status":"ok"})";
                Response r;
                r.body = kBody;
                co_return r;
              },
              "platform", doc("Liveness: the process is up", 200, status_schema()), 0, http::Access::none()});

  auto* readiness = deps.readiness;
  json::value ready_schema = {
      {"type", "object"},
      {"properties",
       {{"status", {{"type", "string"}, {"enum", json::array{"ready", "not_ready"}}}},
        {"checks", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}};
  auto ready_doc = doc("Readiness: database reachable and migrations applied", 200, ready_schema);
  ready_doc.responses.push_back({503, "Not ready", ready_schema});
  router.add({"GET", "/health/ready", Policy::public_access(),
              [readiness](Request&) -> boost::asio::awaitable<Response> {
                Readiness::Report report;
                if (readiness) report = co_await readiness->check();
                json::object body{{"status", report.ready() ? "ready" : "not_ready"},
                                  {"checks",
                                   {{"database", report.database ? "ok" : "unreachable"},
                                    {"migrations", report.migrations ? "applied" : "pending_or_unknown"}}}};
                co_return Response::json(body, report.ready() ? 200 : 503);
              },
              "platform", std::move(ready_doc), 0, http::Access::none()});

  struct OpenApiCache {
    std::once_flag once;
    std::string body;
  };
  auto cache = std::make_shared<OpenApiCache>();
  const http::Router* routes = &router;
  http::OpenApiInfo info{"Nelo API", deps.version,
                         "Delivery platform API. Errors are RFC 9457 problem+json; see /docs."};
  router.add({"GET", "/openapi.json", Policy::public_access(),
              [cache, routes, info](Request&) -> boost::asio::awaitable<Response> {
                // The router is complete and immutable once the server runs.
                std::call_once(cache->once, [&] { cache->body = json::serialize(http::build_openapi(*routes, info)); });
                Response r;
                r.body = cache->body;
                co_return r;
              },
              "platform", doc("This OpenAPI 3.1 document", 200, json::object{{"type", "object"}}), 0,
              http::Access::none()});

  bool have_ui = !deps.docs_dir.empty() && std::filesystem::exists(std::filesystem::path(deps.docs_dir) / "swagger-ui-bundle.js");
  router.add({"GET", "/docs", Policy::public_access(),
              [have_ui](Request&) -> boost::asio::awaitable<Response> {
                co_return Response::text(have_ui ? kDocsIndex : kDocsMissing, "text/html; charset=utf-8");
              },
              "platform", doc("Interactive API documentation (Swagger UI)", 200, json::value()), 0,
              http::Access::none()});
  RouteDoc assets = doc("Documentation UI assets", 200, json::value());
  assets.responses.push_back(http::problem_response(404, "No such file (or the UI is not installed)"));
  router.add({"GET", "/docs/{file}", Policy::public_access(), http::static_files(deps.docs_dir), "platform",
              std::move(assets), 0, http::Access::none()});
}

void register_admin_routes(http::Router& router, metrics::Registry& registry) {
  auto* scraped = &registry;
  router.add({"GET", "/metrics", Policy::public_access(),
              [scraped](Request&) -> boost::asio::awaitable<Response> {
                std::string text = co_await scraped->scrape();
                co_return Response::text(std::move(text), "text/plain; version=0.0.4; charset=utf-8");
              },
              "platform",
              doc("Prometheus metrics (text exposition format)", 200, json::value(),
                  "Requests by module, route, method and status; latency histograms; database pool; outbox. "
                  "Served on the admin listener only (NELO_ADMIN_ADDRESS:NELO_ADMIN_PORT)."),
              0, http::Access::none()});
}

}  // namespace nelo::app
