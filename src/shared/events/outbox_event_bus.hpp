#pragma once
// The in-process backend of the transactional event bus (docs/events.md): events go into the
// publisher's outbox in the caller's transaction; a dispatcher in this process delivers them to
// subscriber handlers, each in the subscriber's own transaction guarded by its inbox. Several
// processes may run it against one database: leases keep them from delivering a row at once.
//
// Lifetime: pool, registry and executor outlive the bus; co_await stop() before destroying it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"
#include "shared/events/admin_types.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/events/outbox_options.hpp"

namespace nelo::events {

struct BusState;
class Dispatcher;

class OutboxEventBus final : public EventBus {
 public:
  static constexpr std::size_t kMaxPageSize = 100;

  // `modules`: every module in this process; each has the event tables in its schema and may
  // publish and subscribe. Throws std::invalid_argument on bad names or options.
  OutboxEventBus(db::Pool& pool, boost::asio::any_io_executor executor, OutboxOptions options,
                 metrics::Registry& registry, std::vector<std::string> modules);
  ~OutboxEventBus() override;
  OutboxEventBus(const OutboxEventBus&) = delete;
  OutboxEventBus& operator=(const OutboxEventBus&) = delete;

  // tx.module() is the publisher. Throws std::invalid_argument on a bad name or version and
  // std::logic_error when tx's module is not one of `modules`.
  boost::asio::awaitable<std::string> publish(db::CommitWriter& tx, std::string name, int version,
                                              boost::json::object payload) override;
  // Before start() only; the subscriber must be one of `modules`.
  void subscribe_batch(std::string subscriber, std::string event_name, BatchHandler handler) override;

  // With options.streams: freezes the subscriptions and creates this process's streams, so that
  // from now on events are published without delivery rows. Call it before start() and before
  // the process serves: start() opens them otherwise at its first round, and what is published
  // before that gets rows (delivered all the same). Throws on a database error.
  boost::asio::awaitable<void> open_streams();
  // Starts dispatching (and delivers whatever is already due). Subscriptions are frozen.
  void start();
  // Stops claiming and waits, bounded by options.stop_timeout, for in-flight handlers.
  boost::asio::awaitable<void> stop();

  // --- operations (admin routes, ops tooling, tests) ---

  // Dead deliveries of every publisher, publisher by publisher in name order. limit in
  // [1, kMaxPageSize]; cursor from a previous page. ValidationError on a bad limit or cursor.
  boost::asio::awaitable<DeadPage> list_dead(std::size_t limit, std::optional<std::string> cursor);
  // Puts a dead delivery back in line with a fresh set of attempts. NotFound for an unknown
  // publisher or no such dead delivery; ValidationError when event_id is not a UUID.
  boost::asio::awaitable<void> replay(const std::string& publisher, const std::string& event_id,
                                      const std::string& subscriber);
  // Backlog per publisher, in name order.
  boost::asio::awaitable<std::vector<PublisherStats>> stats();
  // One purge pass now (it also runs every options.purge_interval once started).
  boost::asio::awaitable<PurgeReport> purge();

  const std::vector<std::string>& modules() const noexcept;
  const std::string& instance_id() const noexcept;

 private:
  std::shared_ptr<BusState> state_;
  std::shared_ptr<Dispatcher> dispatcher_;
};

}  // namespace nelo::events
