#pragma once
// Outbox bus settings for module test fixtures: short enough that polls, retries and leases
// happen within a test's time.

#include <chrono>
#include <string>

#include "shared/events/outbox_options.hpp"

namespace nelo::test {

inline events::OutboxOptions fast_bus_options(std::string instance_id) {
  using namespace std::chrono_literals;
  events::OutboxOptions o;
  o.instance_id = std::move(instance_id);
  o.max_attempts = 3;
  o.poll_interval = 50ms;
  o.retry_base = 100ms;
  o.retry_cap = 1s;
  o.lease = 5s;
  o.purge_interval = std::chrono::hours(1);  // tests call purge() themselves
  o.stop_timeout = 5s;
  return o;
}

}  // namespace nelo::test
