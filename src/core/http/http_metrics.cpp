#include "core/http/http_metrics.hpp"

namespace nelo::http {

namespace {

constexpr std::array<std::string_view, 9> kMethods = {"GET",     "POST",  "PUT",     "PATCH", "DELETE",
                                                      "OPTIONS", "HEAD",  "CONNECT", "TRACE"};

constexpr std::array<int, 31> kCommonStatuses = {200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308,
                                                 400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 413,
                                                 415, 422, 428, 429, 431, 500, 502, 503, 504};

int status_slot(int status) {
  for (std::size_t i = 0; i < kCommonStatuses.size(); ++i) {
    if (kCommonStatuses[i] == status) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

HttpMetrics::HttpMetrics(metrics::Registry& registry, const Router& router)
    : router_(router),
      requests_(registry.counter("nelo_http_requests_total", "HTTP requests served, by route and status",
                                 {"module", "route", "method", "status"})),
      durations_(registry.histogram("nelo_http_request_duration_seconds",
                                    "Time from the first byte of a request to its response written",
                                    {"module", "route", "method"}, metrics::latency_buckets())),
      in_flight_(registry.gauge("nelo_http_requests_in_flight", "Requests being read, handled or answered").with({})),
      connections_open_(registry.gauge("nelo_http_connections_open", "Open client connections").with({})),
      connections_refused_(registry
                               .counter("nelo_http_connections_refused_total",
                                        "Connections past NELO_HTTP_MAX_CONNECTIONS: answered 503, or dropped in a flood",
                                        {"outcome"})
                               .with({"answered"})),
      connections_dropped_(registry.counter("nelo_http_connections_refused_total", "", {"outcome"}).with({"dropped"})),
      requests_refused_(registry
                            .counter("nelo_http_requests_refused_total",
                                     "Requests answered 503 at once: NELO_HTTP_MAX_IN_FLIGHT requests were being handled")
                            .with({})) {
  for (const auto& route : router.routes()) {
    auto s = std::make_unique<Series>();
    s->labels = {route.module.empty() ? "none" : route.module, route.path, route.method};
    s->duration.store(&durations_.with(s->labels), std::memory_order_relaxed);
    routes_.push_back(std::move(s));
  }
  for (std::size_t i = 0; i <= kMethods.size(); ++i) {
    auto s = std::make_unique<Series>();
    s->labels = {"none", "unmatched", i < kMethods.size() ? std::string(kMethods[i]) : "OTHER"};
    unmatched_.push_back(std::move(s));
  }
}

HttpMetrics::Series& HttpMetrics::series_for(const Route* route, std::string_view method) {
  const auto& all = router_.routes();
  if (route && route >= all.data() && route < all.data() + routes_.size()) {
    return *routes_[static_cast<std::size_t>(route - all.data())];
  }
  std::size_t i = 0;
  while (i < kMethods.size() && kMethods[i] != method) ++i;
  return *unmatched_[i];
}

metrics::Counter& HttpMetrics::counter(Series& series, int status) {
  int slot = status_slot(status);
  if (slot >= 0) {
    if (auto* c = series.by_status[static_cast<std::size_t>(slot)].load(std::memory_order_acquire)) return *c;
  }
  auto labels = series.labels;
  labels.push_back(std::to_string(status));
  auto& c = requests_.with(labels);
  if (slot >= 0) series.by_status[static_cast<std::size_t>(slot)].store(&c, std::memory_order_release);
  return c;
}

void HttpMetrics::record(const Route* route, std::string_view method, int status, double seconds) {
  Series& s = series_for(route, method);
  counter(s, status).inc();
  metrics::Histogram* h = s.duration.load(std::memory_order_acquire);
  if (!h) {  // unmatched series are resolved on first use: most methods never show up
    h = &durations_.with(s.labels);
    s.duration.store(h, std::memory_order_release);
  }
  h->observe(seconds);
}

}  // namespace nelo::http
