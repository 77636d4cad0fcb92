#pragma once
// What the bus facade, its dispatcher and its metrics collector share. Held by shared_ptr so a
// dispatcher still draining, or a collector the registry runs late, never sees it destroyed.

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"
#include "shared/events/inbox_repository.hpp"
#include "shared/events/outbox_metrics.hpp"
#include "shared/events/outbox_options.hpp"
#include "shared/events/outbox_repository.hpp"
#include "shared/events/subscriptions.hpp"

namespace nelo::events {

struct BusState {
  // Throws std::invalid_argument on an invalid or duplicate module name or nonsensical options.
  BusState(db::Pool& pool, OutboxOptions options, std::vector<std::string> modules, metrics::Registry& registry);

  bool is_module(std::string_view name) const;

  // Creates this process's streams, each subscriber's with handlers here in every module's schema,
  // for the events it handles (a stream that exists keeps its position and takes the new names),
  // then sets streams_open. Idempotent; throws on a database error, leaving streams_open as it was.
  boost::asio::awaitable<void> open_streams();

  db::Pool& pool;
  const OutboxOptions options;            // instance_id always set
  const std::vector<std::string> modules;  // sorted: each publishes into, and may subscribe from, its schema
  Subscriptions subscriptions;
  OutboxRepository outbox;
  InboxRepository inbox;
  OutboxMetrics metrics;
  // Set once the dispatcher opened this process's streams (options.streams): from then on an
  // event is published without delivery rows. Before, rows carry it (a stream that also takes it
  // finds it in the subscriber's inbox).
  std::atomic<bool> streams_open{false};
};

// "<host>:<pid>:<8 random hex>": unique per process, readable in lease_owner.
std::string default_instance_id();

}  // namespace nelo::events
