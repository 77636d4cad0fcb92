#include "modules/deliveries/services/delivery_workflow.hpp"

#include <stdexcept>

#include "core/db/transaction.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_events.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

asio::awaitable<void> DeliveryWorkflow::apply(db::Transaction& tx, Delivery& delivery, DeliveryAction action,
                                              Actor actor, std::optional<std::string> reason) {
  const Transition& t = resolve_transition(delivery.status, action, actor.kind);
  StatusChange change;
  change.from = t.from;
  change.to = t.to;
  change.action = t.action;
  change.actor = actor;
  change.reason = reason;
  auto update = co_await deliveries_.move(tx, delivery.id, change);
  // The row is locked by tx, so its status cannot have moved under us.
  if (!update) throw std::logic_error("deliveries: the locked delivery changed state under its lock");
  delivery.status = t.to;
  delivery.version = update->version;
  delivery.updated_at = update->updated_at;
  if (t.to == DeliveryStatus::Assigned) {
    delivery.driver_id = actor.id;
    delivery.assigned_at = update->updated_at;
  }
  if (t.to == DeliveryStatus::PickedUp) delivery.picked_up_at = update->updated_at;
  if (t.to == DeliveryStatus::Delivered) delivery.delivered_at = update->updated_at;
  if (t.to == DeliveryStatus::Failed) delivery.failure_reason = reason;
  if (t.event.empty()) co_return;
  auto payload = delivery_transition_payload(delivery, t, actor, reason);
  co_await bus_.publish(tx, std::string(t.event), kDeliveryEventVersion, std::move(payload));
}

}  // namespace nelo::deliveries
