#pragma once
// What the bus reports to operators: dead deliveries, backlog per publisher, purge results.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace nelo::events {

struct DeadDelivery {
  std::string publisher;
  std::string event_id;
  std::string event_name;
  int event_version = 1;
  std::string subscriber;
  int attempts = 0;
  std::string last_error;
  boost::json::object payload;
  Timestamp occurred_at{};
  Timestamp created_at{};
  std::optional<Timestamp> last_attempt_at;
  std::int64_t seq = 0;
};

struct DeadPage {
  std::vector<DeadDelivery> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

struct PublisherStats {
  std::string publisher;
  std::int64_t pending = 0;
  std::int64_t dead = 0;
  double oldest_pending_seconds = 0;  // 0 when nothing is pending
};

struct PurgeReport {
  std::int64_t deliveries = 0;
  std::int64_t events = 0;
  std::int64_t inbox = 0;
};

}  // namespace nelo::events
