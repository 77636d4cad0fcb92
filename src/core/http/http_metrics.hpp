#pragma once
// The server's metrics, with every child the hot path needs resolved once: recording a request
// is a few atomic adds, no label lookup, no lock (but for statuses outside the common set).

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"

namespace nelo::http {

class HttpMetrics {
 public:
  HttpMetrics(metrics::Registry& registry, const Router& router);

  // One finished request. route is null for unmatched paths (and framing errors): those are
  // labelled route="unmatched", module="none", and unknown methods collapse into "OTHER" so
  // clients cannot mint label values.
  void record(const Route* route, std::string_view method, int status, double seconds);

  metrics::Gauge& in_flight() noexcept { return in_flight_; }
  metrics::Gauge& connections_open() noexcept { return connections_open_; }
  // Admission control: connections past max_connections (answered 503, or closed without an
  // answer during a flood), and requests past max_in_flight (answered 503).
  metrics::Counter& connections_refused() noexcept { return connections_refused_; }
  metrics::Counter& connections_dropped() noexcept { return connections_dropped_; }
  metrics::Counter& requests_refused() noexcept { return requests_refused_; }

 private:
  static constexpr std::size_t kStatusSlots = 32;
  struct Series {
    std::vector<std::string> labels;  // module, route, method
    std::atomic<metrics::Histogram*> duration{nullptr};
    std::array<std::atomic<metrics::Counter*>, kStatusSlots> by_status{};
  };
  Series& series_for(const Route* route, std::string_view method);
  metrics::Counter& counter(Series& series, int status);

  const Router& router_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& durations_;
  metrics::Gauge& in_flight_;
  metrics::Gauge& connections_open_;
  metrics::Counter& connections_refused_;
  metrics::Counter& connections_dropped_;
  metrics::Counter& requests_refused_;
  std::vector<std::unique_ptr<Series>> routes_;     // by route index
  std::vector<std::unique_ptr<Series>> unmatched_;  // by known method, OTHER last
};

}  // namespace nelo::http
