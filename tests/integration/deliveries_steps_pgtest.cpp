// The driver's steps against PostgreSQL, through the state machine: the happy path to delivered
// with the customer's PIN (delivery.picked_up and delivery.completed move the order), wrong PINs
// counted and then locking the hand-over, an admin's override recorded, illegal steps 409 and
// another driver's delivery a 404.

#include <gtest/gtest.h>

#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_steps.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "support/deliveries_fixture.hpp"

namespace nelo::orders::test {
namespace {

namespace dl = nelo::deliveries;

class DeliveriesSteps : public DeliveriesDbTest {
 protected:
  void SetUp() override {
    DeliveriesDbTest::SetUp();
    workflow_ = std::make_unique<dl::DeliveryWorkflow>(*bus_, repo_);
    steps_ = std::make_unique<dl::DeliverySteps>(deliveries_db_, repo_, *workflow_, 3);
  }
  void TearDown() override {
    steps_.reset();
    workflow_.reset();
    DeliveriesDbTest::TearDown();
  }

  // Gives the order's delivery to `driver`, as an accepted offer leaves it; its id.
  std::string assign(const std::string& order, const std::string& driver) {
    const std::string id = delivery(order, "id");
    database_.exec("UPDATE deliveries.deliveries SET status = 'assigned', driver_id = '" + driver +
                   "', assigned_at = now() WHERE id = '" + id + "';"
                   "INSERT INTO deliveries.assignments (id, delivery_id, driver_id) VALUES ('" + new_uuid() + "', '" +
                   id + "', '" + driver + "')");
    return id;
  }

  // A delivery assigned to `driver`.
  std::string assigned_to(const std::string& driver) {
    const std::string order = accepted_order();
    with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
    return assign(order, driver);
  }

  static dl::Actor as(dl::ActorKind kind, std::string id) {
    dl::Actor a;
    a.kind = kind;
    a.id = std::move(id);
    return a;
  }
  dl::Delivery step(const std::string& id, dl::DeliveryAction action, const dl::Actor& who,
                    std::optional<std::string> reason = std::nullopt) {
    return run(steps_->perform(id, action, who, std::move(reason)));
  }
  dl::Delivery hand_over(const std::string& id, const dl::Actor& who, std::optional<std::string> pin,
                         std::optional<std::string> reason = std::nullopt) {
    return run(steps_->deliver(id, who, std::move(pin), std::move(reason)));
  }
  std::string pin_of(const std::string& id) {
    return value("SELECT pin FROM deliveries.deliveries WHERE id = '" + id + "'");
  }
  std::string wrong_pin(const std::string& id) { return pin_of(id) == "0000" ? "1111" : "0000"; }

  dl::DeliveryRepository repo_{deliveries_db_, io_.get_executor()};
  std::unique_ptr<dl::DeliveryWorkflow> workflow_;
  std::unique_ptr<dl::DeliverySteps> steps_;
  std::string driver_ = new_uuid();
};

TEST_F(DeliveriesSteps, PickupToDeliveredWithThePinAndTheOrderFollows) {
  const std::string order = accepted_order();
  act(order, Action::StartPreparing, actor(ActorKind::Merchant, owner_));
  act(order, Action::MarkReady, actor(ActorKind::Merchant, owner_));
  const auto me = as(dl::ActorKind::Driver, driver_);
  std::string id;
  with_bus([&]() -> asio::awaitable<void> {
    co_await settled();
    id = assign(order, driver_);
    const dl::Delivery at_pickup = co_await steps_->perform(id, dl::DeliveryAction::ArrivePickup, me);
    EXPECT_EQ(at_pickup.status, dl::DeliveryStatus::AtPickup);
    const dl::Delivery picked = co_await steps_->perform(id, dl::DeliveryAction::PickUp, me);
    EXPECT_EQ(picked.status, dl::DeliveryStatus::PickedUp);
    const dl::Delivery at_door = co_await steps_->perform(id, dl::DeliveryAction::ArriveDropoff, me);
    EXPECT_EQ(at_door.status, dl::DeliveryStatus::AtDropoff);
    const std::optional<std::string> pin = pin_of(id);
    const dl::Delivery done = co_await steps_->deliver(id, me, pin, std::nullopt);
    EXPECT_EQ(done.status, dl::DeliveryStatus::Delivered);
    EXPECT_TRUE(done.delivered_at.has_value());
    co_await settled_orders();
  });
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.assignments WHERE active AND driver_id = '" + driver_ + "'"), 0)
      << "the driver is free again";
  EXPECT_EQ(column("SELECT name FROM deliveries.outbox WHERE payload->>'delivery_id' = '" + id + "' ORDER BY seq"),
            (std::vector<std::string>{"delivery.picked_up", "delivery.completed"}));
  EXPECT_EQ(status_of(order), "delivered") << "orders moved on delivery.picked_up and delivery.completed";
}

TEST_F(DeliveriesSteps, IllegalStepsAre409AndAnotherDriversDeliveryIs404) {
  const std::string id = assigned_to(driver_);
  const auto me = as(dl::ActorKind::Driver, driver_);
  EXPECT_THROW(step(id, dl::DeliveryAction::PickUp, me), Conflict) << "not at the pickup yet";
  EXPECT_THROW(hand_over(id, me, pin_of(id)), Conflict) << "not at the door";
  EXPECT_THROW(step(id, dl::DeliveryAction::ArrivePickup, as(dl::ActorKind::Driver, new_uuid())), NotFound);
  EXPECT_THROW(step(new_uuid(), dl::DeliveryAction::ArrivePickup, me), NotFound);
  EXPECT_THROW(step("nope", dl::DeliveryAction::ArrivePickup, me), NotFound);
  EXPECT_EQ(value("SELECT status FROM deliveries.deliveries WHERE id = '" + id + "'"), "assigned");
  const dl::Delivery failed = step(id, dl::DeliveryAction::Fail, me, std::string("Flat tyre"));
  EXPECT_EQ(failed.status, dl::DeliveryStatus::Failed);
  EXPECT_EQ(value("SELECT failure_reason FROM deliveries.deliveries WHERE id = '" + id + "'"), "Flat tyre");
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.outbox WHERE name = 'delivery.failed'"), 1);
  EXPECT_THROW(step(id, dl::DeliveryAction::ArrivePickup, me), Conflict) << "failed is final";
}

TEST_F(DeliveriesSteps, WrongPinsAreCountedThenLockTheHandOverUntilAnAdminConfirms) {
  const std::string id = assigned_to(driver_);
  const auto me = as(dl::ActorKind::Driver, driver_);
  step(id, dl::DeliveryAction::ArrivePickup, me);
  step(id, dl::DeliveryAction::PickUp, me);
  step(id, dl::DeliveryAction::ArriveDropoff, me);
  EXPECT_THROW(hand_over(id, me, std::nullopt), ValidationError) << "the PIN is required";
  for (int i = 0; i < 2; ++i) {
    try {
      hand_over(id, me, wrong_pin(id));
      FAIL() << "a wrong PIN delivered";
    } catch (const ValidationError& e) {
      ASSERT_EQ(e.errors().size(), 1u);
      EXPECT_EQ(e.errors()[0].field, "pin");
    }
  }
  EXPECT_EQ(value("SELECT pin_attempts FROM deliveries.deliveries WHERE id = '" + id + "'"), "2") << "kept";
  try {
    hand_over(id, me, wrong_pin(id));
    FAIL() << "a third wrong PIN";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.type(), "pin-locked");
  }
  try {
    hand_over(id, me, pin_of(id));
    FAIL() << "locked, even with the right PIN";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.type(), "pin-locked");
  }
  const auto admin = as(dl::ActorKind::Admin, new_uuid());
  EXPECT_THROW(hand_over(id, admin, std::nullopt), ValidationError) << "an override needs its reason";
  EXPECT_EQ(hand_over(id, admin, std::nullopt, std::string("Customer showed ID")).status, dl::DeliveryStatus::Delivered);
  EXPECT_EQ(value("SELECT actor_kind || ' ' || reason FROM deliveries.status_history WHERE delivery_id = '" + id +
                  "' AND to_status = 'delivered'"),
            "admin PIN override: Customer showed ID");
}

}  // namespace
}  // namespace nelo::orders::test
