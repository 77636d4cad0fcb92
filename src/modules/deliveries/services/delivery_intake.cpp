#include "modules/deliveries/services/delivery_intake.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/db/transaction.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/names.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/services/order_event_readers.hpp"
#include "modules/deliveries/services/pin.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/events/event.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxReasonLength = 500;  // code points, as the history keeps them

// The order's reason, cut to what the history keeps; none when blank.
std::optional<std::string> reason_of(const events::Event& event) {
  const auto* r = event.payload.if_contains("reason");
  if (!r || !r->is_string()) return std::nullopt;
  std::string reason(r->get_string());
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  std::size_t points = 0;
  for (std::size_t i = 0; i < reason.size(); ++i) {
    if ((static_cast<unsigned char>(reason[i]) & 0xC0) != 0x80 && ++points > kMaxReasonLength) {
      reason.resize(i);
      break;
    }
  }
  return reason;
}

}  // namespace

asio::awaitable<void> DeliveryIntake::on_order_created(db::Transaction& tx, const events::Event& event) {
  const OrderSnapshot snapshot = read_order_created(event.payload);
  co_await deliveries_.save_snapshot(tx, snapshot);
}

asio::awaitable<void> DeliveryIntake::on_order_accepted(db::Transaction& tx, const events::Event& event) {
  const std::string order_id = read_order_id(event.payload);
  auto snapshot = co_await deliveries_.take_snapshot(tx, order_id);
  if (!snapshot) {
    if (co_await deliveries_.find_by_order_for_update(tx, order_id)) {
      spdlog::info("deliveries: {} {}: order {} already has its delivery; ignored", event.name, event.id, order_id);
      co_return;
    }
    // order.created is delivered apart from order.accepted: it may still be on its way (or
    // retried). Failing makes the bus try this one again later.
    throw std::runtime_error("deliveries: no snapshot of order " + order_id + " yet (order.created not received)");
  }
  Delivery delivery;
  delivery.id = new_uuid_v7();
  delivery.order_id = snapshot->order_id;
  delivery.customer_id = snapshot->customer_id;
  delivery.merchant_id = snapshot->merchant_id;
  delivery.merchant_owner_id = snapshot->merchant_owner_id;
  delivery.pickup = snapshot->pickup;
  delivery.dropoff = snapshot->dropoff;
  delivery.pin = new_pin();
  if (!co_await deliveries_.insert(tx, delivery)) {
    spdlog::info("deliveries: {} {}: order {} already has its delivery; ignored", event.name, event.id, order_id);
    co_return;
  }
  if (on_created_) tx.on_commit(on_created_);
}

asio::awaitable<void> DeliveryIntake::on_order_closed(db::Transaction& tx, const events::Event& event) {
  const std::string order_id = read_order_id(event.payload);
  // Closed before it was accepted: no delivery, only the snapshot.
  co_await deliveries_.take_snapshot(tx, order_id);
  auto delivery = co_await deliveries_.find_by_order_for_update(tx, order_id);
  if (!delivery) co_return;
  const Transition* t = find_transition(delivery->status, DeliveryAction::Cancel);
  if (!t || !t->allows(ActorKind::System)) {
    // Picked up (or already over): the parcel is on its way; an admin decides what happens to it.
    spdlog::warn("deliveries: {} {}: delivery {} of order {} is '{}' and is not cancelled", event.name, event.id,
                 delivery->id, order_id, to_string(delivery->status));
    co_return;
  }
  co_await workflow_.apply(tx, *delivery, DeliveryAction::Cancel, Actor::system(), reason_of(event));
}

}  // namespace nelo::deliveries
