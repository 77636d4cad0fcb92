// Order transitions against PostgreSQL: who may do what on whose order, the 409 for illegal
// moves, race safety (of two concurrent accepts exactly one wins), history and events written
// with the change, and the orders module reacting to payment and delivery events through the bus.

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>

#include "core/errors.hpp"
#include "support/orders_fixture.hpp"

namespace nelo::orders::test {
namespace {

class OrdersWorkflow : public OrdersDbTest {};

TEST_F(OrdersWorkflow, MerchantTakesAPlacedOrderToReadyForPickup) {
  const std::string id = place_ok();
  const Actor merchant = actor(ActorKind::Merchant, owner_);
  EXPECT_EQ(act(id, Action::Accept, merchant).status, OrderStatus::Accepted);
  EXPECT_EQ(act(id, Action::StartPreparing, merchant).status, OrderStatus::Preparing);
  const Order ready = act(id, Action::MarkReady, merchant);
  EXPECT_EQ(ready.status, OrderStatus::ReadyForPickup);
  EXPECT_EQ(ready.version, 5);
  EXPECT_EQ(ready.lines.size(), 2u) << "the answer is the whole order";
  EXPECT_EQ(status_of(id), "ready_for_pickup");
  EXPECT_EQ(history_of(id), (std::vector<std::string>{"->pending_payment:customer", "pending_payment>placed:system",
                                                      "placed>accepted:merchant", "accepted>preparing:merchant",
                                                      "preparing>ready_for_pickup:merchant"}));
  EXPECT_EQ(events_of(id), (std::vector<std::string>{"order.created", "order.placed", "order.accepted",
                                                     "order.preparing", "order.ready_for_pickup"}));
  EXPECT_EQ(value("SELECT actor_id FROM " + history_rows() + " WHERE order_id = '" + id +
                  "' AND to_status = 'accepted'"),
            owner_);
  EXPECT_EQ(value("SELECT payload->>'previous_status' || ' ' || (payload->>'version') FROM orders.outbox"
                  " WHERE name = 'order.ready_for_pickup'"),
            "preparing 5");
}

TEST_F(OrdersWorkflow, AnotherMerchantOrCustomerSeesNoSuchOrder) {
  const std::string id = place_ok();
  EXPECT_THROW(act(id, Action::Accept, actor(ActorKind::Merchant, other_owner_)), NotFound);
  EXPECT_THROW(act(id, Action::Cancel, actor(ActorKind::Customer, other_customer_)), NotFound);
  EXPECT_THROW(act(new_uuid(), Action::Accept, actor(ActorKind::Merchant, owner_)), NotFound);
  EXPECT_THROW(act("not-a-uuid", Action::Accept, actor(ActorKind::Merchant, owner_)), NotFound);
  EXPECT_EQ(status_of(id), "placed") << "nothing changed";
  EXPECT_EQ(events_of(id).size(), 2u);
}

TEST_F(OrdersWorkflow, IllegalTransitionsAre409AndChangeNothing) {
  const std::string id = place_ok(PaymentMethod::Card);  // pending_payment
  const Actor merchant = actor(ActorKind::Merchant, owner_);
  EXPECT_THROW(act(id, Action::Accept, merchant), Conflict) << "not paid yet";
  EXPECT_THROW(act(id, Action::Reject, merchant, "no"), Conflict) << "only the platform rejects unpaid orders";
  EXPECT_THROW(act(id, Action::MarkReady, merchant), Conflict);
  const std::string cash = place_ok();
  act(cash, Action::Accept, merchant);
  try {
    act(cash, Action::Cancel, actor(ActorKind::Customer, customer_));
    FAIL() << "the customer cancelled an accepted order";
  } catch (const Conflict& e) {
    EXPECT_NE(e.detail().find("'accepted'"), std::string::npos) << e.detail();
  }
  EXPECT_THROW(act(cash, Action::Accept, merchant), Conflict) << "twice";
  EXPECT_EQ(status_of(cash), "accepted");
  EXPECT_EQ(count("SELECT count(*) FROM " + history_rows() + " WHERE order_id = '" + cash + "'"), 3);
}

TEST_F(OrdersWorkflow, CustomerCancelsBeforeAcceptanceAdminUntilDelivery) {
  const std::string mine = place_ok();
  const Order cancelled = act(mine, Action::Cancel, actor(ActorKind::Customer, customer_), "Changed my mind");
  EXPECT_EQ(cancelled.status, OrderStatus::Cancelled);
  EXPECT_EQ(value("SELECT reason FROM " + history_rows() + " WHERE order_id = '" + mine + "' AND to_status = 'cancelled'"),
            "Changed my mind");
  EXPECT_EQ(value("SELECT payload->>'reason' || ' ' || (payload->'actor'->>'kind') FROM orders.outbox"
                  " WHERE name = 'order.cancelled'"),
            "Changed my mind customer");
  EXPECT_THROW(act(mine, Action::Cancel, actor(ActorKind::Admin, new_uuid())), Conflict) << "cancelled is final";

  const std::string preparing = place_ok();
  act(preparing, Action::Accept, actor(ActorKind::Merchant, owner_));
  act(preparing, Action::StartPreparing, actor(ActorKind::Admin, new_uuid()));
  EXPECT_EQ(act(preparing, Action::Cancel, actor(ActorKind::Admin, new_uuid())).status, OrderStatus::Cancelled);
}

TEST_F(OrdersWorkflow, MerchantRejectsAPlacedOrderWithAReason) {
  const std::string id = place_ok();
  EXPECT_EQ(act(id, Action::Reject, actor(ActorKind::Merchant, owner_), "Out of dough").status,
            OrderStatus::Rejected);
  EXPECT_EQ(history_of(id).back(), "placed>rejected:merchant");
  EXPECT_EQ(events_of(id).back(), "order.rejected");
}

TEST_F(OrdersWorkflow, OfTwoConcurrentAcceptsExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    const std::string id = place_ok();
    std::atomic<int> won{0}, conflicts{0};
    std::vector<std::function<asio::awaitable<void>()>> tasks;
    for (int i = 0; i < 2; ++i) {
      tasks.push_back([&]() -> asio::awaitable<void> {
        bool ok = false;
        try {
          co_await workflow_->perform(id, Action::Accept, actor(ActorKind::Merchant, owner_), std::nullopt);
          ok = true;
        } catch (const Conflict&) {
          conflicts.fetch_add(1);
        }
        if (ok) won.fetch_add(1);
      });
    }
    run_concurrently(std::move(tasks));
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 1) << "round " << round;
    EXPECT_EQ(count("SELECT count(*) FROM " + history_rows() + " WHERE order_id = '" + id + "' AND to_status = 'accepted'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM orders.outbox WHERE name = 'order.accepted' AND payload->>'order_id' = '" + id + "'"), 1);
  }
}

TEST_F(OrdersWorkflow, AcceptRacingACancelLeavesOneCoherentOutcome) {
  const std::string id = place_ok();
  std::atomic<int> succeeded{0};
  std::vector<std::function<asio::awaitable<void>()>> tasks;
  tasks.push_back([&]() -> asio::awaitable<void> {
    try {
      co_await workflow_->perform(id, Action::Accept, actor(ActorKind::Merchant, owner_), std::nullopt);
      succeeded.fetch_add(1);
    } catch (const Conflict&) {
    }
  });
  tasks.push_back([&]() -> asio::awaitable<void> {
    try {
      co_await workflow_->perform(id, Action::Cancel, actor(ActorKind::Customer, customer_), std::nullopt);
      succeeded.fetch_add(1);
    } catch (const Conflict&) {
    }
  });
  run_concurrently(std::move(tasks));
  const std::string status = status_of(id);
  EXPECT_TRUE(status == "accepted" || status == "cancelled") << status;
  EXPECT_EQ(succeeded.load(), 1);
  EXPECT_EQ(count("SELECT count(*) FROM " + history_rows() + " WHERE order_id = '" + id + "'"), 3);
  EXPECT_EQ(events_of(id).size(), 3u);
}

// --- reactions to other modules' events, through the real bus ---

class OrdersBusEvents : public OrdersDbTest {
 protected:
  // Publishes `name` from `publisher`'s own schema, as that module would in its transaction.
  asio::awaitable<std::string> publish(std::string publisher, std::string name, json::object payload) {
    auto tx = co_await pool_->begin(publisher);
    const std::string id = co_await bus_->publish(tx, std::move(name), 1, std::move(payload));
    co_await tx.commit();
    co_return id;
  }
  std::string delivery_status(const std::string& publisher, const std::string& event_id) {
    return value(delivery_status_sql(publisher, event_id, "orders"));
  }
  asio::awaitable<void> delivered(const std::string& publisher, const std::string& event_id) {
    co_await eventually([&] { return delivery_status(publisher, event_id) == "delivered"; }, "delivery of " + event_id);
  }
};

TEST_F(OrdersBusEvents, PaymentAuthorizedPlacesACardOrderOnceEvenIfRepeated) {
  const std::string id = place_ok(PaymentMethod::Card);
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"order_id", id}, {"payment_id", new_uuid()}};
    const std::string first = co_await publish("payments", "payment.authorized", payload);
    co_await delivered("payments", first);
    EXPECT_EQ(status_of(id), "placed");
    // A second, distinct event saying the same (a provider retry): it no longer applies.
    const std::string second = co_await publish("payments", "payment.authorized", payload);
    co_await delivered("payments", second);
  });
  EXPECT_EQ(status_of(id), "placed");
  EXPECT_EQ(history_of(id), (std::vector<std::string>{"->pending_payment:customer", "pending_payment>placed:system"}));
  EXPECT_EQ(events_of(id), (std::vector<std::string>{"order.created", "order.placed"}));
  EXPECT_EQ(count("SELECT count(*) FROM orders.inbox"), 2) << "both recorded, the second ignored";
}

// The payments' news of many orders, delivered in one transaction: the orders are locked and
// moved together, each by its own event, and an order named twice sees its first move.
TEST_F(OrdersBusEvents, AChunkOfPaymentNewsMovesEachOrderOnce_InTheEventsOrder) {
  std::vector<std::string> orders;
  for (int i = 0; i < 6; ++i) orders.push_back(place_ok(PaymentMethod::Card));
  std::vector<std::string> events;
  // Published before the bus starts, so that one claim and one transaction take them all.
  auto publish_all = [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 6; ++i) {
      json::object payload{{"order_id", orders[static_cast<std::size_t>(i)]}, {"payment_id", new_uuid()}};
      if (i == 3) payload["reason"] = "card_declined";
      events.push_back(co_await publish("payments", i == 3 ? "payment.failed" : "payment.authorized", payload));
      if (i == 1) {
        // The same order again, at once: no longer pending_payment when its turn comes.
        events.push_back(co_await publish("payments", "payment.failed", payload));
      }
    }
    json::object unknown{{"order_id", new_uuid()}};
    events.push_back(co_await publish("payments", "payment.authorized", unknown));
  };
  run(publish_all());
  with_bus([&]() -> asio::awaitable<void> {
    for (const auto& event : events) co_await delivered("payments", event);
  });
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const bool failed = i == 3;
    EXPECT_EQ(status_of(orders[i]), failed ? "rejected" : "placed") << i;
    EXPECT_EQ(history_of(orders[i]),
              (std::vector<std::string>{"->pending_payment:customer",
                                        failed ? "pending_payment>rejected:system" : "pending_payment>placed:system"}))
        << i;
    EXPECT_EQ(events_of(orders[i]),
              (std::vector<std::string>{"order.created", failed ? "order.rejected" : "order.placed"}))
        << i;
    EXPECT_EQ(value("SELECT version FROM orders.orders WHERE id = '" + orders[i] + "'"), "2") << i;
  }
  EXPECT_EQ(value("SELECT payload->>'version' FROM orders.outbox WHERE name = 'order.placed' AND payload->>'order_id' = '" +
                  orders[4] + "'"),
            "2")
      << "each event tells the version its move gave the order";
  EXPECT_EQ(count("SELECT count(*) FROM orders.inbox"), 8);
}

// Another module may spell a UUID in capitals: the chunk still finds its order.
TEST_F(OrdersBusEvents, AnOrderIdInCapitalsStillNamesItsOrder) {
  const std::string id = place_ok(PaymentMethod::Card);
  std::string shouted = id;
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"order_id", shouted}, {"payment_id", new_uuid()}};
    const std::string event = co_await publish("payments", "payment.authorized", payload);
    co_await delivered("payments", event);
  });
  EXPECT_EQ(status_of(id), "placed");
  EXPECT_EQ(events_of(id).back(), "order.placed");
}

TEST_F(OrdersBusEvents, PaymentFailedRejectsTheOrderWithTheReason) {
  const std::string id = place_ok(PaymentMethod::Card);
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"order_id", id}, {"reason", "card_declined"}};
    const std::string event = co_await publish("payments", "payment.failed", payload);
    co_await delivered("payments", event);
  });
  EXPECT_EQ(status_of(id), "rejected");
  EXPECT_EQ(value("SELECT reason FROM " + history_rows() + " WHERE order_id = '" + id + "' AND to_status = 'rejected'"),
            "card_declined");
  EXPECT_EQ(events_of(id).back(), "order.rejected");
}

TEST_F(OrdersBusEvents, AnotherModulesReasonIsBoundedLikeOurs) {
  const std::string id = place_ok(PaymentMethod::Card);
  const std::string blank = place_ok(PaymentMethod::Card);
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"order_id", id}, {"reason", std::string(600, 'x') + "é"}};
    const std::string event = co_await publish("payments", "payment.failed", payload);
    co_await delivered("payments", event);
    json::object blank_payload{{"order_id", blank}, {"reason", "   "}};
    const std::string blank_event = co_await publish("payments", "payment.failed", blank_payload);
    co_await delivered("payments", blank_event);
  });
  EXPECT_EQ(value("SELECT char_length(reason) FROM " + history_rows() + " WHERE order_id = '" + id +
                  "' AND to_status = 'rejected'"),
            "500");
  EXPECT_EQ(value("SELECT reason IS NULL FROM " + history_rows() + " WHERE order_id = '" + blank +
                  "' AND to_status = 'rejected'"),
            "t");
}

TEST_F(OrdersBusEvents, DeliveryEventsTakeAReadyOrderToDelivered) {
  const std::string id = place_ok();
  act(id, Action::Accept, actor(ActorKind::Merchant, owner_));
  act(id, Action::StartPreparing, actor(ActorKind::Merchant, owner_));
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"order_id", id}};
    // Picked up before it is ready: does not apply, ignored (not retried forever).
    const std::string early = co_await publish("deliveries", "delivery.picked_up", payload);
    co_await delivered("deliveries", early);
    EXPECT_EQ(status_of(id), "preparing");
    co_await workflow_->perform(id, Action::MarkReady, actor(ActorKind::Merchant, owner_), std::nullopt);
    const std::string picked = co_await publish("deliveries", "delivery.picked_up", payload);
    co_await delivered("deliveries", picked);
    EXPECT_EQ(status_of(id), "picked_up");
    const std::string done = co_await publish("deliveries", "delivery.completed", payload);
    co_await delivered("deliveries", done);
  });
  EXPECT_EQ(status_of(id), "delivered");
  EXPECT_EQ(events_of(id).back(), "order.delivered");
  EXPECT_EQ(history_of(id).back(), "picked_up>delivered:system");
}

TEST_F(OrdersBusEvents, UnknownOrdersAreIgnoredAndBrokenPayloadsEndUpDead) {
  with_bus([&]() -> asio::awaitable<void> {
    json::object unknown{{"order_id", new_uuid()}};
    const std::string ignored = co_await publish("payments", "payment.authorized", unknown);
    co_await delivered("payments", ignored);
    json::object broken{{"order", "missing"}};
    const std::string poisoned = co_await publish("payments", "payment.authorized", broken);
    co_await eventually([&] { return delivery_status("payments", poisoned) == "dead"; }, "the broken event parked");
  });
  EXPECT_EQ(count("SELECT count(*) FROM " + history_rows() + ""), 0);
}

// --- OrderInterface ---

TEST_F(OrdersWorkflow, OrderDirectoryAnswersOtherModules) {
  const std::string id = place_ok();
  const auto summary = run(directory_.get_order(id));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->id, id);
  EXPECT_EQ(summary->customer_id, customer_);
  EXPECT_EQ(summary->merchant_id, merchant_);
  EXPECT_EQ(summary->status, "placed");
  EXPECT_EQ(summary->payment_method, "cash");
  EXPECT_EQ(summary->total, (Money{2950, "EUR"}));
  EXPECT_NEAR(summary->pickup.lat, kMerchantLat, 1e-9);
  EXPECT_NEAR(summary->dropoff.lng, 2.3376, 1e-9);
  EXPECT_EQ(summary->created_at.size(), 24u);
  EXPECT_FALSE(run(directory_.get_order(new_uuid())).has_value());
  EXPECT_FALSE(run(directory_.get_order("nope")).has_value());
  EXPECT_TRUE(run(module_->order_interface().get_order(id)).has_value()) << "the module hands out the same";
}

}  // namespace
}  // namespace nelo::orders::test
