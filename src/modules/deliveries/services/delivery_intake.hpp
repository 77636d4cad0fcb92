#pragma once
// How deliveries follows orders, through their events, inside the bus's transaction (role
// nelo_deliveries, which also records the event in deliveries.inbox: a redelivered event is a
// no-op). order.created leaves a snapshot of the pickup and drop-off; order.accepted makes a
// delivery of it (status pending, with its PIN); order.cancelled cancels the delivery if the
// parcel has not left the merchant; order.rejected and a cancellation before acceptance drop the
// snapshot.

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace nelo::db {
class Transaction;
}  // namespace nelo::db
namespace nelo::events {
struct Event;
}  // namespace nelo::events

namespace nelo::deliveries {

class DeliveryRepository;
class DeliveryWorkflow;

class DeliveryIntake {
 public:
  // `on_created` runs once a transaction that created a delivery committed (wakes the dispatcher).
  DeliveryIntake(DeliveryRepository& deliveries, DeliveryWorkflow& workflow, std::function<void()> on_created = {})
      : deliveries_(deliveries), workflow_(workflow), on_created_(std::move(on_created)) {}

  boost::asio::awaitable<void> on_order_created(db::Transaction& tx, const events::Event& event);
  // Throws (the bus retries) when the order's snapshot has not arrived yet.
  boost::asio::awaitable<void> on_order_accepted(db::Transaction& tx, const events::Event& event);
  // order.cancelled and order.rejected.
  boost::asio::awaitable<void> on_order_closed(db::Transaction& tx, const events::Event& event);

 private:
  DeliveryRepository& deliveries_;
  DeliveryWorkflow& workflow_;
  std::function<void()> on_created_;
};

}  // namespace nelo::deliveries
