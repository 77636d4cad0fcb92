#pragma once
// The bus's Prometheus series. Counters move as deliveries happen in this process; the backlog
// gauges are read from the database at scrape time, so every instance reports the same backlog.

#include <string>
#include <vector>

#include "core/metrics/registry.hpp"
#include "shared/events/admin_types.hpp"

namespace nelo::events {

class OutboxMetrics {
 public:
  explicit OutboxMetrics(metrics::Registry& registry);

  void claimed(const std::string& publisher);  // one claim query of the publisher's outbox
  void delivered(const std::string& publisher, const std::string& subscriber, double count = 1);
  void retried(const std::string& publisher, const std::string& subscriber);
  void dead(const std::string& publisher, const std::string& subscriber);
  void handler_duration(const std::string& subscriber, double seconds);

  void update_backlog(const std::vector<PublisherStats>& stats);

 private:
  metrics::Family<metrics::Gauge>& pending_;
  metrics::Family<metrics::Gauge>& lag_;
  metrics::Family<metrics::Gauge>& dead_now_;
  metrics::Family<metrics::Counter>& claims_;
  metrics::Family<metrics::Counter>& delivered_;
  metrics::Family<metrics::Counter>& retries_;
  metrics::Family<metrics::Counter>& dead_total_;
  metrics::Family<metrics::Histogram>& handler_seconds_;
};

}  // namespace nelo::events
