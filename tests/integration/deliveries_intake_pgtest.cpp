// Deliveries following orders through the real bus, with the real orders module and PostgreSQL:
// order.accepted makes one delivery (snapshots of both ends, a PIN) however often it arrives,
// cancelling the order cancels its delivery before pickup (never after), a rejected order leaves
// nothing behind, and DeliveryInterface shows the delivery to orders.

#include <gtest/gtest.h>

#include "support/deliveries_fixture.hpp"

namespace nelo::orders::test {
namespace {

class DeliveriesIntake : public DeliveriesDbTest {};

TEST_F(DeliveriesIntake, AnAcceptedOrderBecomesAPendingDeliveryWithBothEndsAndAPin) {
  const std::string id = accepted_order();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  ASSERT_EQ(deliveries_of(id), 1);
  EXPECT_EQ(delivery(id, "status"), "pending");
  EXPECT_EQ(delivery(id, "customer_id"), customer_);
  EXPECT_EQ(delivery(id, "merchant_owner_id"), owner_);
  EXPECT_EQ(delivery(id, "pickup_name"), "Chez Nelo");
  EXPECT_EQ(delivery(id, "pickup_phone"), "+33140000000");
  EXPECT_EQ(delivery(id, "pickup_lat || ',' || pickup_lng"), "48.8566,2.3522");
  EXPECT_EQ(delivery(id, "dropoff_first_name"), "Élodie");
  EXPECT_EQ(delivery(id, "dropoff_address"), "10 rue de Rivoli, 75004 Paris");
  EXPECT_EQ(delivery(id, "dropoff_instructions"), "Code 4521B");
  EXPECT_EQ(delivery(id, "dropoff_notes"), "Ring twice");
  EXPECT_EQ(delivery(id, "dropoff_lat || ',' || dropoff_lng"), "48.8606,2.3376");
  EXPECT_EQ(delivery(id, "pin ~ '^[0-9]{4}$'"), "t");
  EXPECT_EQ(delivery(id, "driver_id IS NULL AND next_search_at IS NOT NULL"), "t") << "queued for dispatch";
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.order_snapshots"), 0) << "the snapshot was used up";
  EXPECT_EQ(value("SELECT coalesce(from_status, '-') || '>' || to_status || ':' || actor_kind"
                  " FROM deliveries.status_history h JOIN deliveries.deliveries d ON d.id = h.delivery_id"
                  " WHERE d.order_id = '" + id + "'"),
            "->pending:system");

  // What orders sees through DeliveryInterface: the delivery and its PIN (orders shows that to
  // the customer only).
  const auto summary = run(delivery_module_->delivery_interface().get_delivery_for_order(id));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->id, delivery(id, "id"));
  EXPECT_EQ(summary->order_id, id);
  EXPECT_EQ(summary->status, "pending");
  EXPECT_EQ(summary->pin, std::optional<std::string>(delivery(id, "pin")));
  EXPECT_FALSE(summary->driver.has_value());
  EXPECT_FALSE(run(delivery_module_->delivery_interface().get_delivery_for_order(new_uuid())).has_value());
  EXPECT_FALSE(run(delivery_module_->delivery_interface().get_delivery_for_order("not-a-uuid")).has_value());
}

TEST_F(DeliveriesIntake, OrderAcceptedTwiceMakesOneDelivery) {
  const std::string id = accepted_order();
  with_bus([&]() -> asio::awaitable<void> {
    co_await settled();
    // Another event saying the same thing (a replay from another instance, say).
    const json::object again{{"order_id", id}, {"status", "accepted"}};
    co_await publish("order.accepted", again);
    co_await settled();
  });
  EXPECT_EQ(deliveries_of(id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.inbox"), 3) << "order.created, order.accepted twice";
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox_deliveries WHERE subscriber = 'deliveries'"
                  " AND status = 'dead'"),
            0);
}

TEST_F(DeliveriesIntake, CancellingTheOrderCancelsItsDeliveryWithTheReason) {
  const std::string id = accepted_order();
  with_bus([&]() -> asio::awaitable<void> {
    co_await settled();
    co_await workflow_->perform(id, Action::Cancel, actor(ActorKind::Admin, new_uuid()),
                                std::string("Customer called support"));
    co_await settled();
  });
  EXPECT_EQ(delivery(id, "status"), "cancelled");
  EXPECT_EQ(delivery_events(id), (std::vector<std::string>{"delivery.cancelled"}));
  EXPECT_EQ(value("SELECT payload->>'reason' || ' ' || (payload->'actor'->>'kind') || ' ' ||"
                  " (payload->>'previous_status') FROM deliveries.outbox WHERE name = 'delivery.cancelled'"),
            "Customer called support system pending");
  EXPECT_EQ(value("SELECT reason FROM deliveries.status_history WHERE to_status = 'cancelled'"),
            "Customer called support");
}

TEST_F(DeliveriesIntake, AnOrderCancelledAfterPickupKeepsItsDelivery) {
  const std::string id = accepted_order();
  with_bus([&]() -> asio::awaitable<void> {
    co_await settled();
    // The parcel left the merchant (set by hand: the driver's steps are not under test here).
    database_.exec("UPDATE deliveries.deliveries SET status = 'picked_up' WHERE order_id = '" + id + "'");
    co_await workflow_->perform(id, Action::Cancel, actor(ActorKind::Admin, new_uuid()), std::nullopt);
    co_await settled();
  });
  EXPECT_EQ(status_of(id), "cancelled");
  EXPECT_EQ(delivery(id, "status"), "picked_up") << "on its way: an admin decides, not a cascade";
  EXPECT_TRUE(delivery_events(id).empty());
}

TEST_F(DeliveriesIntake, ARejectedOrCancelledOrderLeavesNothingBehind) {
  const std::string rejected = place_ok();
  const std::string cancelled = place_ok();
  act(rejected, Action::Reject, actor(ActorKind::Merchant, owner_), "Out of dough");
  act(cancelled, Action::Cancel, actor(ActorKind::Customer, customer_));
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.order_snapshots"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.deliveries"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.inbox"), 4);
}

TEST_F(DeliveriesIntake, OrdersShowTheDeliveryAndItsPinToTheCustomerOnly) {
  const std::string id = accepted_order();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  OrderQueries queries(orders_, &users_, &catalog_, &delivery_module_->delivery_interface(), &payments_, clock_);
  const OrderDetails mine = run(queries.get(viewer(customer_, true), id));
  ASSERT_TRUE(mine.delivery.has_value());
  EXPECT_EQ(mine.delivery->status, "pending");
  EXPECT_EQ(mine.delivery->pin, std::optional<std::string>(delivery(id, "pin")));
  EXPECT_TRUE(mine.unavailable.empty());
  const OrderDetails merchants = run(queries.get(viewer(owner_, false, true), id));
  ASSERT_TRUE(merchants.delivery.has_value());
  EXPECT_FALSE(merchants.delivery->pin.has_value());
}

}  // namespace
}  // namespace nelo::orders::test
