#include "modules/orders/services/order_workflow.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/metrics/registry.hpp"
#include "core/uuid.hpp"
#include "modules/orders/names.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_events.hpp"
#include "modules/orders/state_machine.hpp"
#include "modules/orders/validation.hpp"
#include "shared/events/event.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

[[noreturn]] void order_not_found(const std::string& order_id) {
  // The id is echoed only when it is a well-formed UUID (never arbitrary client text).
  throw NotFound(is_uuid(order_id) ? "Order " + order_id + " does not exist" : std::string("The order does not exist"));
}

// Reasons from other modules are not validated by our API: keep at most kMaxReasonLength code
// points (what the history table allows), and none at all when blank.
std::optional<std::string> bounded(std::optional<std::string> reason) {
  if (!reason) return std::nullopt;
  if (reason->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  std::size_t points = 0;
  for (std::size_t i = 0; i < reason->size(); ++i) {
    if ((static_cast<unsigned char>((*reason)[i]) & 0xC0) != 0x80 && ++points > kMaxReasonLength) {
      reason->resize(i);
      break;
    }
  }
  return reason;
}

std::vector<double> state_buckets() {
  // Seconds: from a minute (acceptance) to a day (a forgotten order).
  return {30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200, 14400, 43200, 86400};
}

}  // namespace

bool can_act_on(const Order& order, const Actor& actor) noexcept {
  switch (actor.kind) {
    case ActorKind::Admin:
    case ActorKind::System: return true;
    case ActorKind::Merchant: return !actor.id.empty() && order.merchant_owner_id == actor.id;
    case ActorKind::Customer: return !actor.id.empty() && order.customer_id == actor.id;
  }
  return false;
}

OrderWorkflow::OrderWorkflow(db::ModuleDb& db, events::EventBus& bus, OrderRepository& orders,
                             metrics::Registry& metrics)
    : db_(db),
      bus_(bus),
      orders_(orders),
      time_in_state_(metrics.histogram("nelo_orders_time_in_state_seconds",
                                       "Time orders spent in a state before leaving it", {"state"}, state_buckets())),
      transitions_(metrics.counter("nelo_orders_transitions_total", "Order state transitions committed",
                                   {"from", "to"})) {}

asio::awaitable<Order> OrderWorkflow::perform(std::string order_id, Action action, Actor actor,
                                              std::optional<std::string> reason, db::CommitStep<Order> commit) {
  if (!is_uuid(order_id)) order_not_found(order_id);
  auto tx = co_await db_.begin();
  auto order = co_await orders_.find_for_update(tx, order_id);
  if (!order || !can_act_on(*order, actor)) order_not_found(order_id);
  co_await apply(tx, *order, action, std::move(actor), std::move(reason));
  co_await db::finish(tx, *order, commit);
  co_return std::move(*order);
}

OrderWorkflow::Step OrderWorkflow::resolve(const Order& order, Action action, Actor actor,
                                           std::optional<std::string> reason) const {
  Step step{&resolve_transition(order.status, action, actor.kind), {}, std::move(actor)};
  step.change.from = step.transition->from;
  step.change.to = step.transition->to;
  step.change.action = step.transition->action;
  step.change.actor_kind = step.actor.kind;
  if (!step.actor.id.empty()) step.change.actor_id = step.actor.id;
  step.change.reason = bounded(std::move(reason));
  return step;
}

asio::awaitable<void> OrderWorkflow::apply(db::Transaction& tx, Order& order, Action action, Actor actor,
                                           std::optional<std::string> reason) {
  const Step step = resolve(order, action, std::move(actor), std::move(reason));
  auto update = co_await orders_.move(tx, order.id, step.change);
  // The row is locked by tx, so its status cannot have moved under us.
  if (!update) throw std::logic_error("orders: the locked order changed state under its lock");
  co_await record(tx, order, step, *update);
}

asio::awaitable<void> OrderWorkflow::record(db::CommitWriter& tx, Order& order, const Step& step,
                                            const OrderRepository::StatusUpdate& update) {
  const Transition& t = *step.transition;
  const Timestamp entered = order.updated_at;
  order.status = t.to;
  order.version = update.version;
  order.updated_at = update.updated_at;

  auto payload = order_transition_payload(order, t, step.actor, step.change.reason);
  co_await bus_.publish(tx, std::string(t.event), kOrderEventVersion, std::move(payload));

  auto* time_in_state = &time_in_state_.with({std::string(to_string(t.from))});
  auto* count = &transitions_.with({std::string(to_string(t.from)), std::string(to_string(t.to))});
  const double seconds = std::chrono::duration<double>(order.updated_at - entered).count();
  tx.on_commit([time_in_state, count, seconds] {
    time_in_state->observe(seconds);
    count->inc();
  });
}

asio::awaitable<void> OrderWorkflow::on_events(db::Transaction& tx, std::span<const events::Event* const> events,
                                               Action action) {
  std::vector<OrderReference> refs;
  refs.reserve(events.size());
  for (const events::Event* event : events) refs.push_back(parse_order_reference(event->payload));
  // Runs of events that each name another order: an order's second event must see what its first
  // one did, so it starts the next run.
  std::size_t first = 0;
  std::set<std::string> in_run;
  for (std::size_t i = 0; i <= refs.size(); ++i) {
    if (i < refs.size() && in_run.insert(refs[i].order_id).second) continue;
    if (i > first) {
      co_await on_distinct_orders(tx, events.subspan(first, i - first),
                                  std::span<const OrderReference>(refs).subspan(first, i - first), action);
    }
    if (i == refs.size()) break;
    first = i;
    in_run = {refs[i].order_id};
  }
}

asio::awaitable<void> OrderWorkflow::on_distinct_orders(db::Transaction& tx,
                                                        std::span<const events::Event* const> events,
                                                        std::span<const OrderReference> refs, Action action) {
  std::vector<std::string> ids;
  ids.reserve(refs.size());
  for (const auto& ref : refs) ids.push_back(ref.order_id);
  auto locked = co_await orders_.find_many_for_update(tx, ids);
  std::map<std::string, Order*> by_id;
  for (auto& order : locked) by_id.emplace(order.id, &order);

  std::vector<std::pair<Order*, Step>> steps;
  std::vector<std::pair<std::string, StatusChange>> changes;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const events::Event& event = *events[i];
    const auto found = by_id.find(refs[i].order_id);
    if (found == by_id.end()) {
      spdlog::warn("orders: {} {} names order {}, which does not exist; ignored", event.name, event.id,
                   refs[i].order_id);
      continue;
    }
    Order& order = *found->second;
    const Transition* t = find_transition(order.status, action);
    if (!t || !t->allows(ActorKind::System)) {
      spdlog::info("orders: {} {} does not apply to order {} in state '{}' (duplicate or late); ignored", event.name,
                   event.id, order.id, to_string(order.status));
      continue;
    }
    Step step = resolve(order, action, Actor::system(), refs[i].reason);
    changes.emplace_back(order.id, step.change);
    steps.emplace_back(&order, std::move(step));
  }
  if (steps.empty()) co_return;
  const auto moved = co_await orders_.move_many(tx, changes);
  for (auto& [order, step] : steps) {
    const auto update = moved.find(order->id);
    // The rows are locked by tx, so their statuses cannot have moved under us.
    if (update == moved.end()) throw std::logic_error("orders: a locked order changed state under its lock");
    co_await record(tx, *order, step, update->second);
  }
}

}  // namespace nelo::orders
