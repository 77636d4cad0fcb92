#include "shared/events/outbox_event_bus.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "shared/events/bus_state.hpp"
#include "shared/events/dead_cursor.hpp"
#include "shared/events/dispatcher.hpp"
#include "shared/events/naming.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;

// A coroutine function rather than a capturing lambda: its parameter lives in the coroutine
// frame, whatever the registry does with the std::function afterwards.
asio::awaitable<void> collect_backlog(std::weak_ptr<BusState> weak) {
  auto state = weak.lock();
  if (!state) co_return;  // the bus is gone; the registry cannot unregister collectors
  std::vector<PublisherStats> all;
  for (const auto& publisher : state->modules) all.push_back(co_await state->outbox.stats(publisher));
  state->metrics.update_backlog(all);
}

}  // namespace

OutboxEventBus::OutboxEventBus(db::Pool& pool, asio::any_io_executor executor, OutboxOptions options,
                               metrics::Registry& registry, std::vector<std::string> modules)
    : state_(std::make_shared<BusState>(pool, std::move(options), std::move(modules), registry)),
      dispatcher_(std::make_shared<Dispatcher>(state_, std::move(executor))) {
  registry.add_collector([weak = std::weak_ptr<BusState>(state_)] { return collect_backlog(weak); });
}

OutboxEventBus::~OutboxEventBus() { dispatcher_->request_stop(); }

asio::awaitable<std::string> OutboxEventBus::publish(db::CommitWriter& tx, std::string name, int version,
                                                     boost::json::object payload) {
  const std::string publisher = tx.module();
  if (!state_->is_module(publisher)) {
    throw std::logic_error("events: module '" + publisher + "' publishes but is not known to the bus");
  }
  if (!is_valid_event_name(name)) {
    throw std::invalid_argument("events: invalid event name '" + name + "' (expected <entity>.<past_tense>)");
  }
  if (version < 1) throw std::invalid_argument("events: event version must be at least 1");

  Event event;
  event.id = new_uuid_v7();
  event.name = std::move(name);
  event.version = version;
  event.publisher = publisher;
  event.payload = std::move(payload);
  static const std::vector<std::string> kNoRows;
  const auto& subscribers = state_->subscriptions.subscribers_of(event.name);
  // Streams read the outbox itself: no delivery row once they are open.
  const bool rows = !state_->streams_open.load();
  state_->outbox.insert_at_commit(tx, event, rows ? subscribers : kNoRows);
  // Nobody here subscribes to it: nothing to wake (subscribers elsewhere find it at their poll).
  if (!subscribers.empty()) {
    tx.on_commit([weak = std::weak_ptr<Dispatcher>(dispatcher_), publisher, name = event.name, rows] {
      if (auto dispatcher = weak.lock()) dispatcher->wake(publisher, name, rows);
    });
  }
  co_return event.id;
}

void OutboxEventBus::subscribe_batch(std::string subscriber, std::string event_name, BatchHandler handler) {
  if (!state_->is_module(subscriber)) {
    throw std::invalid_argument("events: subscriber '" + subscriber + "' is not a module known to the bus");
  }
  state_->subscriptions.add(std::move(subscriber), std::move(event_name), std::move(handler));
}

asio::awaitable<void> OutboxEventBus::open_streams() {
  if (!state_->options.streams) co_return;
  state_->subscriptions.freeze();
  co_await state_->open_streams();
}

void OutboxEventBus::start() { dispatcher_->start(); }

asio::awaitable<void> OutboxEventBus::stop() { co_await dispatcher_->stop(); }

asio::awaitable<DeadPage> OutboxEventBus::list_dead(std::size_t limit, std::optional<std::string> cursor) {
  if (limit < 1 || limit > kMaxPageSize) {
    throw ValidationError("limit", "must be between 1 and " + std::to_string(kMaxPageSize));
  }
  std::optional<DeadCursor> after;
  if (cursor) {
    after = decode_dead_cursor(*cursor);
    if (!after) throw ValidationError("cursor", "is not a cursor returned by this list");
  }
  DeadPage page;
  // One extra row tells whether another page exists.
  for (const auto& publisher : state_->modules) {
    if (page.items.size() > limit) break;
    if (after && publisher < after->publisher) continue;
    // Plain locals, not ?: temporaries: GCC 12 destroys a conditional's temporary inside a
    // co_await expression even when that branch was not taken.
    std::int64_t after_seq = 0;
    std::string after_subscriber;
    if (after && publisher == after->publisher) {
      after_seq = after->seq;
      after_subscriber = after->subscriber;
    }
    auto rows = co_await state_->outbox.list_dead(publisher, after_seq, after_subscriber,
                                                  limit + 1 - page.items.size());
    for (auto& row : rows) page.items.push_back(std::move(row));
  }
  if (page.items.size() > limit) {
    page.items.resize(limit);
    const auto& last = page.items.back();
    page.next_cursor = encode_dead_cursor({last.publisher, last.seq, last.subscriber});
  }
  co_return page;
}

asio::awaitable<void> OutboxEventBus::replay(const std::string& publisher, const std::string& event_id,
                                             const std::string& subscriber) {
  if (!state_->is_module(publisher)) throw NotFound("No module named '" + publisher + "' publishes events");
  if (!is_uuid(event_id)) throw ValidationError("event_id", "must be a UUID");
  bool replayed = false;
  if (is_valid_module_name(subscriber)) replayed = co_await state_->outbox.replay(publisher, event_id, subscriber);
  if (!replayed) throw NotFound("No dead delivery of event " + event_id + " to " + subscriber);
  spdlog::info("events: dead delivery {}/{}/{} replayed", publisher, event_id, subscriber);
  dispatcher_->wake_rows(publisher);
}

asio::awaitable<std::vector<PublisherStats>> OutboxEventBus::stats() {
  std::vector<PublisherStats> all;
  all.reserve(state_->modules.size());
  for (const auto& publisher : state_->modules) all.push_back(co_await state_->outbox.stats(publisher));
  co_return all;
}

asio::awaitable<PurgeReport> OutboxEventBus::purge() { co_return co_await dispatcher_->purge(); }

const std::vector<std::string>& OutboxEventBus::modules() const noexcept { return state_->modules; }

const std::string& OutboxEventBus::instance_id() const noexcept { return state_->options.instance_id; }

}  // namespace nelo::events
