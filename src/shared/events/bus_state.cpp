#include "shared/events/bus_state.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/uuid.hpp"
#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

OutboxOptions checked(OutboxOptions o) {
  if (o.max_attempts < 1) throw std::invalid_argument("events: max_attempts must be at least 1");
  if (o.poll_interval.count() <= 0) throw std::invalid_argument("events: poll_interval must be positive");
  if (o.lease.count() <= 0) throw std::invalid_argument("events: lease must be positive");
  if (o.retry_base.count() < 0 || o.retry_cap < o.retry_base) {
    throw std::invalid_argument("events: retry_base must be >= 0 and <= retry_cap");
  }
  if (o.retention.count() <= 0 || o.purge_interval.count() <= 0) {
    throw std::invalid_argument("events: retention and purge_interval must be positive");
  }
  if (o.batch_size == 0 || o.max_in_flight == 0 || o.purge_batch == 0 || o.deliveries_per_transaction == 0) {
    throw std::invalid_argument(
        "events: batch_size, max_in_flight, deliveries_per_transaction and purge_batch must be positive");
  }
  if (o.instance_id.empty()) o.instance_id = default_instance_id();
  return o;
}

std::vector<std::string> checked(std::vector<std::string> modules) {
  for (const auto& m : modules) {
    if (!is_valid_module_name(m)) throw std::invalid_argument("events: invalid module name '" + m + "'");
  }
  std::sort(modules.begin(), modules.end());
  if (std::adjacent_find(modules.begin(), modules.end()) != modules.end()) {
    throw std::invalid_argument("events: a module is listed twice");
  }
  return modules;
}

}  // namespace

BusState::BusState(db::Pool& p, OutboxOptions o, std::vector<std::string> m, metrics::Registry& registry)
    : pool(p), options(checked(std::move(o))), modules(checked(std::move(m))), outbox(p), inbox(p), metrics(registry) {}

bool BusState::is_module(std::string_view name) const {
  return std::binary_search(modules.begin(), modules.end(), name);
}

boost::asio::awaitable<void> BusState::open_streams() {
  const auto& subscribers = subscriptions.subscribers();
  std::vector<std::vector<std::string>> names;
  names.reserve(subscribers.size());
  for (const auto& subscriber : subscribers) names.push_back(subscriptions.event_names_of(subscriber));
  // One statement per publisher, not one per stream: a start-up opens modules x subscribers.
  for (const auto& publisher : modules) co_await outbox.open_streams(publisher, subscribers, names);
  streams_open = true;
}

std::string default_instance_id() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid()) + ":" + new_uuid().substr(0, 8);
}

}  // namespace nelo::events
