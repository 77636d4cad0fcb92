// Dispatch against PostgreSQL: the nearest online driver with free capacity gets the offer, a
// decline or a deadline passed (kept in the database) moves it to the next, nobody in range
// widens the search and then says delivery.unassigned once, twenty drivers accepting at once give
// one assignment and nineteen conflicts (the unique partial index decides), and capacity holds;
// a free driver behind dozens of busy ones is still found.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>

#include "modules/deliveries/live/in_process_live_locations.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/services/dispatcher.hpp"
#include "modules/deliveries/services/eta_estimator.hpp"
#include "modules/deliveries/services/offer_service.hpp"
#include "support/deliveries_fixture.hpp"

namespace nelo::orders::test {
namespace {

namespace dl = nelo::deliveries;

class DeliveriesDispatch : public DeliveriesDbTest {
 protected:
  void SetUp() override {
    DeliveriesDbTest::SetUp();
    workflow_ = std::make_unique<dl::DeliveryWorkflow>(*bus_, repo_);
    offer_service_ = std::make_unique<dl::OfferService>(deliveries_db_, repo_, offers_, *workflow_);
    make_dispatcher(1);
  }

  void TearDown() override {
    dispatcher_.reset();
    offer_service_.reset();
    workflow_.reset();
    DeliveriesDbTest::TearDown();
  }

  void make_dispatcher(int fanout) {
    dl::DeliveriesSettings settings;
    settings.offer_fanout = fanout;
    dispatcher_ = std::make_unique<dl::Dispatcher>(deliveries_db_, *bus_, repo_, offers_, *workflow_, live_, eta_,
                                                   clock_, settings);
  }

  // A driver online (or not) at `meters_north` of the merchant.
  std::string driver(double meters_north, bool online = true, int capacity = 1, const char* vehicle = "scooter") {
    const std::string id = new_uuid();
    database_.exec("INSERT INTO deliveries.drivers (user_id, vehicle, capacity, online, online_since) VALUES ('" + id +
                   "', '" + vehicle + "', " + std::to_string(capacity) + ", " + (online ? "true, now()" : "false, NULL") +
                   ")");
    dl::DriverPosition p;
    p.driver_id = id;
    p.point = {kMerchantLat + meters_north / 111'195.0, kMerchantLng};
    p.recorded_at = std::chrono::system_clock::now();
    run(live_.update(p));
    return id;
  }

  // A delivery waiting for a driver at the merchant, as order.accepted leaves one (written here:
  // the intake has its own suite).
  std::string pending_delivery() {
    const std::string id = new_uuid();
    database_.exec("INSERT INTO deliveries.deliveries (id, order_id, customer_id, merchant_id, merchant_owner_id,"
                   " status, pickup_name, pickup_phone, pickup_address, pickup_lat, pickup_lng, dropoff_first_name,"
                   " dropoff_address, dropoff_lat, dropoff_lng, pin, next_search_at) VALUES ('" + id + "', '" +
                   new_uuid() + "', '" + customer_ + "', '" + merchant_ + "', '" + owner_ +
                   "', 'pending', 'Chez Nelo', '+33140000000', '1 place de l''Hôtel de Ville', " +
                   std::to_string(kMerchantLat) + ", " + std::to_string(kMerchantLng) +
                   ", 'Élodie', '10 rue de Rivoli, 75004 Paris', 48.8606, 2.3376, '0427', now())");
    return id;
  }

  void dispatch() { run(dispatcher_->run_once()); }

  std::string d(const std::string& delivery_id, const std::string& column) {
    return value("SELECT " + column + " FROM deliveries.deliveries WHERE id = '" + delivery_id + "'");
  }
  std::vector<std::string> offered_to(const std::string& delivery_id, const std::string& status = "pending") {
    return column("SELECT driver_id FROM deliveries.offers WHERE delivery_id = '" + delivery_id + "' AND status = '" +
                  status + "' ORDER BY created_at, id");
  }
  std::string offer_of(const std::string& delivery_id, const std::string& driver_id) {
    return value("SELECT id FROM deliveries.offers WHERE delivery_id = '" + delivery_id + "' AND driver_id = '" +
                 driver_id + "'");
  }
  std::int64_t published(const std::string& name) {
    return count("SELECT count(*) FROM deliveries.outbox WHERE name = '" + name + "'");
  }

  dl::InProcessLiveLocations live_;  // the real store of one server
  dl::SpeedEtaEstimator eta_;
  dl::DeliveryRepository repo_{deliveries_db_, io_.get_executor()};
  dl::OfferRepository offers_{deliveries_db_};
  std::unique_ptr<dl::DeliveryWorkflow> workflow_;
  std::unique_ptr<dl::OfferService> offer_service_;
  std::unique_ptr<dl::Dispatcher> dispatcher_;
};

TEST_F(DeliveriesDispatch, TheNearestFreeDriverFirstThenTheNextAfterADecline) {
  driver(100, false);  // nearest, but offline
  const std::string near = driver(300);
  const std::string next = driver(600, true, 1, "bike");
  driver(20'000);  // beyond the largest ring
  const std::string id = pending_delivery();
  dispatch();
  EXPECT_EQ(d(id, "status"), "offered");
  EXPECT_EQ(offered_to(id), (std::vector<std::string>{near}));
  EXPECT_EQ(value("SELECT distance_m BETWEEN 290 AND 310 FROM deliveries.offers WHERE driver_id = '" + near + "'"), "t");
  EXPECT_EQ(value("SELECT expires_at - created_at = interval '30 seconds' FROM deliveries.offers WHERE driver_id = '" +
                  near + "'"),
            "t");

  EXPECT_THROW(run(offer_service_->decline(next, offer_of(id, near))), NotFound) << "not theirs";
  run(offer_service_->decline(near, offer_of(id, near)));
  EXPECT_THROW(run(offer_service_->accept(near, offer_of(id, near))), Conflict) << "declined is final";
  dispatch();
  EXPECT_EQ(offered_to(id), (std::vector<std::string>{next})) << "the next one; never the decliner again";

  const dl::Delivery assigned = run(offer_service_->accept(next, offer_of(id, next)));
  EXPECT_EQ(assigned.status, dl::DeliveryStatus::Assigned);
  EXPECT_EQ(d(id, "status || ' ' || driver_id"), "assigned " + next);
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.assignments WHERE active AND delivery_id = '" + id + "'"), 1);
  EXPECT_EQ(published("delivery.assigned"), 1);
  EXPECT_EQ(value("SELECT payload->>'driver_id' FROM deliveries.outbox WHERE name = 'delivery.assigned'"), next);
}

TEST_F(DeliveriesDispatch, AnOfferPastItsDeadlineGoesToTheNextDriver) {
  const std::string near = driver(200);
  const std::string next = driver(400);
  const std::string id = pending_delivery();
  dispatch();
  ASSERT_EQ(offered_to(id), (std::vector<std::string>{near}));
  // The deadline is a row, not a timer: move it into the past as time would.
  database_.exec("UPDATE deliveries.offers SET expires_at = now() - interval '1 second' WHERE delivery_id = '" + id + "'");
  EXPECT_THROW(run(offer_service_->accept(near, offer_of(id, near))), Conflict) << "too late";
  EXPECT_TRUE(run(offer_service_->open_offers(near)).empty());
  dispatch();
  EXPECT_EQ(offered_to(id, "expired"), (std::vector<std::string>{near}));
  EXPECT_EQ(offered_to(id), (std::vector<std::string>{next}));
  const auto open = run(offer_service_->open_offers(next));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].offer.delivery_id, id);
  EXPECT_EQ(open[0].pickup.name, "Chez Nelo");
}

TEST_F(DeliveriesDispatch, NobodyInRangeIsSearchedWiderThenReportedUnassignedOnce) {
  driver(9'000);  // beyond 8 km
  const std::string id = pending_delivery();
  dispatch();
  EXPECT_EQ(d(id, "status"), "pending");
  EXPECT_EQ(d(id, "search_radius_m"), "8000") << "the rings grew to the maximum";
  EXPECT_EQ(d(id, "next_search_at > now() + interval '10 seconds'"), "t") << "retried later";
  EXPECT_EQ(published("delivery.unassigned"), 0) << "not yet: it has not waited long";

  database_.exec("UPDATE deliveries.deliveries SET waiting_since = now() - interval '6 minutes',"
                 " next_search_at = now() WHERE id = '" + id + "'");
  dispatch();
  EXPECT_EQ(published("delivery.unassigned"), 1);
  EXPECT_EQ(value("SELECT (payload->>'search_radius_m') || ' ' || ((payload->>'waited_seconds')::int >= 360)"
                  " FROM deliveries.outbox WHERE name = 'delivery.unassigned'"),
            "8000 true");
  database_.exec("UPDATE deliveries.deliveries SET next_search_at = now() WHERE id = '" + id + "'");
  dispatch();
  EXPECT_EQ(published("delivery.unassigned"), 1) << "once per wait";

  const std::string arrived = driver(500);
  database_.exec("UPDATE deliveries.deliveries SET next_search_at = now() WHERE id = '" + id + "'");
  dispatch();
  EXPECT_EQ(offered_to(id), (std::vector<std::string>{arrived}));
}

TEST_F(DeliveriesDispatch, TwentyDriversAcceptingAtOnceGiveOneAssignment) {
  make_dispatcher(20);
  std::vector<std::string> drivers;
  for (int i = 0; i < 20; ++i) drivers.push_back(driver(100 + 30 * i));
  const std::string id = pending_delivery();
  dispatch();
  ASSERT_EQ(offered_to(id).size(), 20u) << "each holds a claim on the same delivery";

  std::atomic<int> won{0}, taken{0}, other{0};
  std::vector<std::function<asio::awaitable<void>()>> tasks;
  for (const auto& driver_id : drivers) {
    const std::string offer = offer_of(id, driver_id);
    tasks.push_back([&, driver_id, offer]() -> asio::awaitable<void> {
      try {
        co_await offer_service_->accept(driver_id, offer);
        won.fetch_add(1);
      } catch (const Conflict& e) {
        (e.type() == "delivery-taken" || e.type() == "offer-closed" ? taken : other).fetch_add(1);
      } catch (...) {
        other.fetch_add(1);
      }
    });
  }
  run_concurrently(std::move(tasks));
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(taken.load(), 19);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.assignments WHERE delivery_id = '" + id + "'"), 1);
  EXPECT_EQ(offered_to(id, "accepted").size(), 1u);
  EXPECT_EQ(offered_to(id, "withdrawn").size(), 19u);
  EXPECT_EQ(d(id, "driver_id"), offered_to(id, "accepted").at(0));
  EXPECT_EQ(published("delivery.assigned"), 1);
}

// Around a busy shop the nearest drivers are all busy (waiting for food, or offered other orders):
// more of them than one look at the live store returns. A free driver just past them is still found.
TEST_F(DeliveriesDispatch, AFreeDriverBehindMoreBusyOnesThanOneLookReturnsIsFound) {
  for (int i = 0; i < 40; ++i) {
    driver(10 + i * 10);
    const std::string taken = pending_delivery();
    dispatch();
    ASSERT_EQ(offered_to(taken).size(), 1u) << "delivery " << i << " takes the nearest free driver";
  }
  const std::string free_driver = driver(900);  // inside the first ring, the 41st nearest
  const std::string id = pending_delivery();
  dispatch();
  EXPECT_EQ(offered_to(id), (std::vector<std::string>{free_driver}));
  EXPECT_EQ(d(id, "status"), "offered");
}

TEST_F(DeliveriesDispatch, ADriverAtCapacityIsNeitherOfferedNorAssignedMore) {
  const std::string busy = driver(100);
  const std::string first = pending_delivery();
  dispatch();
  run(offer_service_->accept(busy, offer_of(first, busy)));

  const std::string second = pending_delivery();
  dispatch();
  EXPECT_TRUE(offered_to(second).empty()) << "full: not offered";
  EXPECT_EQ(d(second, "status"), "pending");
  // An offer made anyway (an older one, say) cannot take them over capacity.
  database_.exec("INSERT INTO deliveries.offers (id, delivery_id, driver_id, distance_m, eta_seconds, expires_at)"
                 " VALUES ('" + new_uuid() + "', '" + second + "', '" + busy + "', 100, 20, now() + interval '30 seconds')");
  database_.exec("UPDATE deliveries.deliveries SET status = 'offered' WHERE id = '" + second + "'");
  try {
    run(offer_service_->accept(busy, offer_of(second, busy)));
    FAIL() << "accepted beyond capacity";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.type(), "at-capacity");
  }
  EXPECT_EQ(count("SELECT count(*) FROM deliveries.assignments WHERE active AND driver_id = '" + busy + "'"), 1);
}

}  // namespace
}  // namespace nelo::orders::test
