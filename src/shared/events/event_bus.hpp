#pragma once
// The transactional event bus (docs/events.md). publish() writes to the publisher's outbox in the
// caller's transaction; subscribers react in their own transaction that also records the event
// id in their inbox, so a redelivery is a no-op. Implementations: in-process dispatcher (Phase 1);
// RabbitMQ (Phase 2) behind the same contract.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <span>
#include <string>
#include <utility>

#include "core/db/transaction.hpp"
#include "shared/events/event.hpp"

namespace nelo::events {

// Runs inside the subscriber's transaction (role nelo_<subscriber>). Throwing rolls that
// transaction back and schedules a retry; the publisher's state is untouched.
using Handler = std::function<boost::asio::awaitable<void>(db::Transaction& tx, const Event& event)>;
// The same for the events of one name that follow each other in a delivery transaction, in
// publish order, in one call: a handler that can write for all of them with one statement.
using BatchHandler =
    std::function<boost::asio::awaitable<void>(db::Transaction& tx, std::span<const Event* const> events)>;

// A BatchHandler that runs `handler` for each event in turn; empty when `handler` is.
BatchHandler one_at_a_time(Handler handler);

class EventBus {
 public:
  virtual ~EventBus() = default;

  // Appends the event to <tx.module()>.outbox within tx; the outbox bus writes it with tx's COMMIT
  // (in publish order, no round trip of its own), so a database error there fails the commit.
  // Nothing is delivered unless tx commits.
  virtual boost::asio::awaitable<std::string> publish(db::CommitWriter& tx, std::string name, int version,
                                                      boost::json::object payload) = 0;

  // Registers a subscriber module's handler for one event name. Call during start-up only.
  void subscribe(std::string subscriber, std::string event_name, Handler handler) {
    subscribe_batch(std::move(subscriber), std::move(event_name), one_at_a_time(std::move(handler)));
  }
  // The same with a handler given the events of that name that a delivery transaction holds one
  // after the other (those the subscriber's inbox already had left out). Throwing fails them all.
  virtual void subscribe_batch(std::string subscriber, std::string event_name, BatchHandler handler) = 0;
};

}  // namespace nelo::events
