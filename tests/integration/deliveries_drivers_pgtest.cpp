// The drivers part of the deliveries module against PostgreSQL + PostGIS: the write-behind of
// positions (one statement per batch, never moving a driver back, skipping unknown drivers,
// written again after a failure), going offline with a delivery in progress, and the live index
// seeded from the last-known positions after a restart.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/module_db.hpp"
#include "core/db/pool.hpp"
#include "core/errors.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/deliveries_settings.hpp"
#include "modules/deliveries/live/in_process_live_locations.hpp"
#include "modules/deliveries/module.hpp"
#include "modules/deliveries/repositories/driver_repository.hpp"
#include "modules/deliveries/repositories/position_repository.hpp"
#include "modules/deliveries/services/active_deliveries.hpp"
#include "modules/deliveries/services/driver_locator.hpp"
#include "modules/deliveries/services/driver_service.hpp"
#include "modules/deliveries/services/online_drivers.hpp"
#include "modules/deliveries/services/ping_service.hpp"
#include "modules/deliveries/services/position_writer.hpp"
#include "shared/module.hpp"
#include "support/run_async.hpp"
#include "support/test_database.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using SystemTime = std::chrono::system_clock::time_point;

// What dispatch will answer; here the test says.
class SetActiveDeliveries final : public ActiveDeliveries {
 public:
  asio::awaitable<bool> has_active(std::string) override { co_return active; }
  bool active = false;
};

class DriversDb : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"deliveries", templates, migrations()});
    db::Migrator migrator(*pool_);
    run(migrator.migrate(schemas));
  }
  void TearDown() override { pool_->close(); }

  template <class T>
  T run(asio::awaitable<T> work) {
    return test::run_async(io_, std::move(work), 2);
  }

  std::string value(const std::string& sql) { return database_.value(sql); }

  std::string new_driver(bool online = true) {
    const std::string id = new_uuid();
    DriverProfile profile;
    profile.vehicle = "bike";
    run(drivers_.save(id, profile));
    if (online) run(drivers_.go_online(id));
    return id;
  }

  static DriverPosition position(const std::string& driver, double lat, double lng, SystemTime at) {
    DriverPosition p;
    p.driver_id = driver;
    p.point = {lat, lng};
    p.recorded_at = at;
    return p;
  }

  std::string stored(const std::string& driver) {
    return value("SELECT round(ST_Y(location::geometry)::numeric, 4) || ',' || round(ST_X(location::geometry)::numeric, 4) "
                 "FROM deliveries.driver_positions WHERE driver_id = '" + driver + "'");
  }

  test::TestDatabase database_;
  asio::io_context io_;
  std::shared_ptr<db::Pool> pool_ = [this] {
    db::PoolOptions options;
    options.conninfo = database_.conninfo();
    options.max_size = 4;
    options.application_name = "nelo-deliveries-test";
    return db::Pool::create(io_.get_executor(), options);
  }();
  db::ModuleDb module_db_{*pool_, "deliveries"};
  SystemClock clock_;
  DeliveriesSettings settings_;
  InProcessLiveLocations live_;
  SetActiveDeliveries active_;
  DriverRepository driver_repository_{module_db_};
  PositionRepository position_repository_{module_db_};
  OnlineDrivers online_{driver_repository_, settings_.online_cache_ttl};
  PositionWriter writer_{position_repository_, io_.get_executor(), 1h};
  DriverService drivers_{driver_repository_, online_, live_, active_};
  PingService pings_{online_, live_, writer_, settings_, clock_};
  DriverLocator locator_{live_, settings_, clock_};
};

TEST_F(DriversDb, AFlushWritesTheLatestPositionOfEachDriverAndNeverMovesOneBack) {
  const std::string a = new_driver(), b = new_driver();
  const SystemTime now = std::chrono::system_clock::now();
  writer_.add(position(a, 48.1, 2.1, now - 3s));
  writer_.add(position(a, 48.2, 2.2, now - 1s));
  writer_.add(position(a, 48.3, 2.3, now - 2s));  // arrived last, recorded earlier: not kept
  writer_.add(position(b, 45.7, 4.8, now - 1s));
  writer_.add(position(new_uuid(), 1, 1, now));     // no such driver: skipped, not a failed batch
  EXPECT_EQ(writer_.pending(), 3u);
  EXPECT_EQ(run(writer_.flush()), 3u);
  EXPECT_EQ(writer_.pending(), 0u);
  EXPECT_EQ(stored(a), "48.2000,2.2000");
  EXPECT_EQ(stored(b), "45.7000,4.8000");
  EXPECT_EQ(value("SELECT count(*) FROM deliveries.driver_positions"), "2");

  // A later batch with an older fix (another instance's, or a late one) leaves the row alone.
  writer_.add(position(a, 10, 10, now - 10s));
  writer_.add(position(b, 45.8, 4.9, now));
  run(writer_.flush());
  EXPECT_EQ(stored(a), "48.2000,2.2000");
  EXPECT_EQ(stored(b), "45.8000,4.9000");
  EXPECT_EQ(run(writer_.flush()), 0u) << "nothing pending: no statement";
}

TEST_F(DriversDb, AFailedFlushKeepsThePositionsForTheNextOne) {
  const std::string a = new_driver();
  const SystemTime now = std::chrono::system_clock::now();
  database_.exec("REVOKE INSERT ON deliveries.driver_positions FROM nelo_deliveries");
  writer_.add(position(a, 48.1, 2.1, now - 2s));
  EXPECT_THROW(run(writer_.flush()), std::exception);
  EXPECT_EQ(writer_.pending(), 1u);
  writer_.add(position(a, 48.2, 2.2, now - 5s));  // older than the one waiting: the waiting one stays
  database_.exec("GRANT INSERT ON deliveries.driver_positions TO nelo_deliveries");
  EXPECT_EQ(run(writer_.flush()), 1u);
  EXPECT_EQ(stored(a), "48.1000,2.1000");
}

TEST_F(DriversDb, OfflineIsRefusedWhileADeliveryIsInProgress) {
  const std::string a = new_driver();
  run(pings_.record(a, position(a, 48.85, 2.35, std::chrono::system_clock::now())));
  ASSERT_TRUE(run(live_.get(a)).has_value());
  active_.active = true;
  try {
    run(drivers_.go_offline(a));
    FAIL() << "went offline with a delivery in progress";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.type(), "active-delivery");
  }
  EXPECT_TRUE(run(drivers_.get(a)).online);
  EXPECT_TRUE(run(live_.get(a)).has_value()) << "still on the map";
  active_.active = false;
  EXPECT_FALSE(run(drivers_.go_offline(a)).online);
  EXPECT_FALSE(run(live_.get(a)).has_value());
  EXPECT_THROW(run(pings_.record(a, position(a, 48.85, 2.35, std::chrono::system_clock::now()))), Conflict);
}

TEST_F(DriversDb, ARestartSeedsOnlineDriversWithFreshPositions) {
  const std::string fresh = new_driver(), stale = new_driver(), offline = new_driver();
  const SystemTime now = std::chrono::system_clock::now();
  writer_.add(position(fresh, 48.85, 2.35, now - 5s));
  writer_.add(position(stale, 48.86, 2.36, now - settings_.driver_silence_timeout - 5s));
  writer_.add(position(offline, 48.87, 2.37, now - 5s));
  run(writer_.flush());
  run(drivers_.go_offline(offline));

  InProcessLiveLocations restarted;
  DriverLocator locator(restarted, settings_, clock_);
  EXPECT_EQ(run(locator.seed(position_repository_)), 1u);
  EXPECT_TRUE(run(restarted.get(fresh)).has_value());
  EXPECT_FALSE(run(restarted.get(stale)).has_value()) << "silent too long: offered nothing anyway";
  EXPECT_FALSE(run(restarted.get(offline)).has_value());
  auto near = run(locator.nearby({48.85, 2.35}, 1000, 10));
  ASSERT_EQ(near.size(), 1u);
  EXPECT_EQ(near[0].position.driver_id, fresh);
}

}  // namespace
}  // namespace nelo::deliveries
