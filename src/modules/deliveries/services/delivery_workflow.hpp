#pragma once
// Moves deliveries through the state machine (state_machine.hpp). Every change happens in a
// transaction that holds the delivery's row locked: the transition is checked against the table,
// the row and its history written and the transition's event published, together.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::db {
class Transaction;
}  // namespace nelo::db
namespace nelo::events {
class EventBus;
}  // namespace nelo::events

namespace nelo::deliveries {

class DeliveryRepository;

class DeliveryWorkflow {
 public:
  DeliveryWorkflow(events::EventBus& bus, DeliveryRepository& deliveries) : bus_(bus), deliveries_(deliveries) {}

  // Inside `tx`, which holds the delivery's row locked: applies `action` by `actor` to `delivery`
  // in memory and in the database, with its history row and its event (if the transition has
  // one). Conflict (409) when the transition is illegal for this actor in the current state.
  boost::asio::awaitable<void> apply(db::Transaction& tx, Delivery& delivery, DeliveryAction action, Actor actor,
                                     std::optional<std::string> reason = std::nullopt);

 private:
  events::EventBus& bus_;
  DeliveryRepository& deliveries_;
};

}  // namespace nelo::deliveries
