// Who reads a delivery, and how much of it, against PostgreSQL: its driver and admins, the order's
// customer (the driver's position only between assignment and delivery: the privacy window) and
// merchant (status and the driver's first name, never a position); anyone else a 404.

#include <gtest/gtest.h>

#include "modules/deliveries/live/in_process_live_locations.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_views.hpp"
#include "support/deliveries_fixture.hpp"

namespace nelo::orders::test {
namespace {

namespace dl = nelo::deliveries;

class DeliveriesViews : public DeliveriesDbTest {
 protected:
  std::string held_by(const std::string& driver, const std::string& status) {
    const std::string order = accepted_order();
    with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
    const std::string id = delivery(order, "id");
    database_.exec("UPDATE deliveries.deliveries SET status = '" + status + "', driver_id = '" + driver +
                   "' WHERE id = '" + id + "'");
    dl::DriverPosition p;
    p.driver_id = driver;
    p.point = {48.8580, 2.3500};
    p.heading_deg = 90;
    p.recorded_at = std::chrono::system_clock::now();
    run(live_.update(p));
    return id;
  }

  static dl::DeliveryViewer who(std::string id, const char* role) {
    dl::DeliveryViewer v;
    v.user_id = std::move(id);
    v.admin = std::string(role) == "admin";
    v.driver = std::string(role) == "driver";
    v.merchant = std::string(role) == "merchant";
    v.customer = std::string(role) == "customer";
    return v;
  }

  dl::TrackingView track(const dl::DeliveryViewer& v, const std::string& id) { return run(views_.tracking(v, id)); }

  dl::InProcessLiveLocations live_;
  dl::DeliveryRepository repo_{deliveries_db_, io_.get_executor()};
  dl::DeliveryViews views_{repo_, live_, &users_};
  std::string driver_ = new_uuid();
};

TEST_F(DeliveriesViews, EachPartySeesItsShareOfAHeldDelivery) {
  users_.users[driver_] = UserDto{driver_, "sam@example.com", "Sam Driver", std::nullopt, "fr"};
  const std::string id = held_by(driver_, "picked_up");

  const auto mine = track(who(driver_, "driver"), id);
  EXPECT_EQ(mine.view.role, dl::ViewerRole::Driver);
  ASSERT_TRUE(mine.position.has_value()) << "the driver sees their own";

  const auto customers = track(who(customer_, "customer"), id);
  EXPECT_EQ(customers.view.role, dl::ViewerRole::Customer);
  ASSERT_TRUE(customers.position.has_value()) << "inside the privacy window";
  EXPECT_EQ(customers.position->point.lat, 48.8580);
  EXPECT_EQ(customers.view.driver_first_name, std::optional<std::string>("Sam"));

  const auto merchants = track(who(owner_, "merchant"), id);
  EXPECT_EQ(merchants.view.role, dl::ViewerRole::Merchant);
  EXPECT_FALSE(merchants.position.has_value()) << "status and first name only";
  EXPECT_EQ(merchants.view.driver_first_name, std::optional<std::string>("Sam"));

  EXPECT_TRUE(track(who(new_uuid(), "admin"), id).position.has_value());
}

TEST_F(DeliveriesViews, OthersGetA404) {
  const std::string id = held_by(driver_, "assigned");
  EXPECT_THROW(track(who(new_uuid(), "driver"), id), NotFound) << "another driver";
  EXPECT_THROW(track(who(other_customer_, "customer"), id), NotFound) << "another customer";
  EXPECT_THROW(track(who(other_owner_, "merchant"), id), NotFound) << "another merchant";
  EXPECT_THROW(track(who(customer_, "driver"), id), NotFound) << "the customer's id, as a driver: not the holder";
  EXPECT_THROW(track(who(customer_, "customer"), new_uuid()), NotFound);
  EXPECT_THROW(track(who(customer_, "customer"), "not-a-uuid"), NotFound);
}

TEST_F(DeliveriesViews, TheCustomerNoLongerSeesTheDriverOnceDelivered) {
  const std::string id = held_by(driver_, "delivered");
  const auto customers = track(who(customer_, "customer"), id);
  EXPECT_EQ(customers.view.delivery.status, dl::DeliveryStatus::Delivered);
  EXPECT_FALSE(customers.position.has_value()) << "outside the privacy window";
  EXPECT_TRUE(track(who(driver_, "driver"), id).view.role == dl::ViewerRole::Driver) << "the driver still reads it";
}

}  // namespace
}  // namespace nelo::orders::test
