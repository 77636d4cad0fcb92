#include "shared/events/outbox_metrics.hpp"

namespace nelo::events {

OutboxMetrics::OutboxMetrics(metrics::Registry& registry)
    : pending_(registry.gauge("nelo_outbox_pending", "Event deliveries waiting to be delivered", {"publisher"})),
      lag_(registry.gauge("nelo_outbox_lag_seconds", "Age of the oldest pending event delivery", {"publisher"})),
      dead_now_(registry.gauge("nelo_outbox_dead", "Event deliveries parked as dead, awaiting replay", {"publisher"})),
      claims_(registry.counter("nelo_outbox_claims_total",
                               "Claim queries this instance ran on a publisher's outbox (polls and wake-ups)",
                               {"publisher"})),
      delivered_(registry.counter("nelo_outbox_delivered_total", "Event deliveries completed by this instance",
                                  {"publisher", "subscriber"})),
      retries_(registry.counter("nelo_outbox_retries_total", "Failed event deliveries scheduled for another attempt",
                                {"publisher", "subscriber"})),
      dead_total_(registry.counter("nelo_outbox_dead_total", "Event deliveries that ran out of attempts",
                                   {"publisher", "subscriber"})),
      handler_seconds_(registry.histogram("nelo_outbox_handler_seconds",
                                          "Time to run a subscriber's handler and commit its transaction",
                                          {"subscriber"}, metrics::latency_buckets())) {}

void OutboxMetrics::claimed(const std::string& publisher) { claims_.with({publisher}).inc(); }

void OutboxMetrics::delivered(const std::string& publisher, const std::string& subscriber, double count) {
  delivered_.with({publisher, subscriber}).inc(count);
}

void OutboxMetrics::retried(const std::string& publisher, const std::string& subscriber) {
  retries_.with({publisher, subscriber}).inc();
}

void OutboxMetrics::dead(const std::string& publisher, const std::string& subscriber) {
  dead_total_.with({publisher, subscriber}).inc();
}

void OutboxMetrics::handler_duration(const std::string& subscriber, double seconds) {
  handler_seconds_.with({subscriber}).observe(seconds);
}

void OutboxMetrics::update_backlog(const std::vector<PublisherStats>& stats) {
  for (const auto& s : stats) {
    pending_.with({s.publisher}).set(static_cast<double>(s.pending));
    lag_.with({s.publisher}).set(s.oldest_pending_seconds);
    dead_now_.with({s.publisher}).set(static_cast<double>(s.dead));
  }
}

}  // namespace nelo::events
