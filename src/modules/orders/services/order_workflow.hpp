#pragma once
// Moves orders through the state machine (state_machine.hpp). Every change happens in one
// transaction that locks the order row, checks the transition table, updates the status, appends
// the history entry and publishes the transition's event, so of two concurrent attempts
// exactly one applies and the other sees the new state (409).

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <span>
#include <string>

#include "core/db/transaction.hpp"
#include "modules/orders/models.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_events.hpp"

namespace nelo::db {
class CommitWriter;
class ModuleDb;
class Transaction;
}  // namespace nelo::db
namespace nelo::events {
class EventBus;
struct Event;
}  // namespace nelo::events
namespace nelo::metrics {
class Registry;
template <class Metric>
class Family;
class Histogram;
class Counter;
}  // namespace nelo::metrics

namespace nelo::orders {

struct Transition;

// Whether `actor` may see and act on `order`: admins and the platform any order, a merchant the
// orders of merchants they own, a customer their own.
bool can_act_on(const Order& order, const Actor& actor) noexcept;

class OrderWorkflow {
 public:
  OrderWorkflow(db::ModuleDb& db, events::EventBus& bus, OrderRepository& orders, metrics::Registry& metrics);

  // In its own transaction. NotFound (404) when the order does not exist or `actor` may not act
  // on it; Conflict (409) when the action does not apply to its current state for this actor.
  // `reason` (rejections, cancellations) is kept in the history and the event. `commit` ends the
  // transaction (default: a plain commit).
  boost::asio::awaitable<Order> perform(std::string order_id, Action action, Actor actor,
                                        std::optional<std::string> reason, db::CommitStep<Order> commit = {});

  // A transition checked against the state machine but not written yet.
  struct Step {
    const Transition* transition;
    StatusChange change;  // the history row to write (its reason bounded to what the history keeps)
    Actor actor;
  };
  // The transition `action` by `actor` from `order`'s current status. Conflict when illegal.
  Step resolve(const Order& order, Action action, Actor actor, std::optional<std::string> reason) const;

  // Inside `tx`, which holds the order's row locked: applies the transition to `order` in memory
  // and in the database, with its history row and event. Conflict when illegal.
  boost::asio::awaitable<void> apply(db::Transaction& tx, Order& order, Action action, Actor actor,
                                     std::optional<std::string> reason);

  // The rest of a step whose row and history were written by the caller (`update` is what that
  // write returned, e.g. OrderRepository::insert with the step's change): applies it to `order`,
  // publishes its event in `tx` and counts it once tx commits.
  boost::asio::awaitable<void> record(db::CommitWriter& tx, Order& order, const Step& step,
                                      const OrderRepository::StatusUpdate& update);

  // Reaction to other modules' events, inside the bus's transaction (role nelo_orders): the
  // platform performs `action` on the order each payload names, in the events' order. An event
  // that does not apply (unknown order, or its state has moved on: a duplicate or a late event) is
  // logged and ignored. A payload without a valid order_id throws (the events are retried one at
  // a time, then that one is dead). The orders are locked by one statement and moved by another.
  boost::asio::awaitable<void> on_events(db::Transaction& tx, std::span<const events::Event* const> events,
                                         Action action);

 private:
  // on_events for events that each name another order.
  boost::asio::awaitable<void> on_distinct_orders(db::Transaction& tx, std::span<const events::Event* const> events,
                                                  std::span<const OrderReference> refs, Action action);

  db::ModuleDb& db_;
  events::EventBus& bus_;
  OrderRepository& orders_;
  metrics::Family<metrics::Histogram>& time_in_state_;
  metrics::Family<metrics::Counter>& transitions_;
};

}  // namespace nelo::orders
