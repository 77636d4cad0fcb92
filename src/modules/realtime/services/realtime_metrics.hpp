#pragma once
// The gateway's Prometheus series (docs/operations.md#real-time).

#include "core/metrics/registry.hpp"

namespace nelo::realtime {

struct RealtimeMetrics {
  explicit RealtimeMetrics(metrics::Registry& registry)
      : connections(registry.gauge("nelo_realtime_connections", "Open real-time WebSocket connections").with({})),
        subscriptions(registry.gauge("nelo_realtime_subscriptions", "Channels subscribed, all connections").with({})),
        frames(registry.counter("nelo_realtime_frames_total", "Frames written to clients (each a batch)").with({})),
        messages(registry.counter("nelo_realtime_messages_total", "Messages written to clients").with({})),
        dropped(registry.counter("nelo_realtime_dropped_total", "Events dropped because a client's queue was full")
                    .with({})),
        slow_closed(registry.counter("nelo_realtime_slow_clients_total", "Connections closed as too slow (4008)")
                        .with({})) {}

  metrics::Gauge& connections;
  metrics::Gauge& subscriptions;
  metrics::Counter& frames;
  metrics::Counter& messages;
  metrics::Counter& dropped;
  metrics::Counter& slow_closed;
};

}  // namespace nelo::realtime
