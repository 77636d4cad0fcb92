#pragma once
// Set-up of the users pg suites: a fresh database migrated with the users module and a stand-in
// "auth" schema (event tables only) to publish `user.registered` from, a pool, the users
// repositories and services, the module itself subscribed on a real outbox bus, and helpers to
// create profiles and addresses and read the database as the superuser.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/db/migrator.hpp"
#include "core/db/module_db.hpp"
#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/users/models.hpp"
#include "modules/users/module.hpp"
#include "modules/users/repositories/address_repository.hpp"
#include "modules/users/repositories/profile_repository.hpp"
#include "modules/users/services/address_service.hpp"
#include "modules/users/services/profile_service.hpp"
#include "modules/users/services/user_directory.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/module.hpp"
#include "support/test_bus_options.hpp"
#include "support/eventually.hpp"
#include "support/run_async.hpp"
#include "support/run_with_bus.hpp"
#include "support/test_database.hpp"

namespace nelo::users::test {

using nelo::test::eventually;

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

class UsersDbTest : public ::testing::Test {
 protected:
  static db::PoolOptions pool_options(const nelo::test::TestDatabase& database) {
    db::PoolOptions options;
    options.conninfo = database.conninfo();
    options.max_size = 8;
    options.acquire_timeout = 5s;
    options.application_name = "nelo-users-test";
    return options;
  }

  void SetUp() override {
    run(migrate());
    bus_ = std::make_unique<events::OutboxEventBus>(*pool_, io_.get_executor(),
                                                    nelo::test::fast_bus_options("users-test"),
                                                    registry_, std::vector<std::string>{"auth", "users"});
    ModuleContext context{module_db_, *bus_, config_, clock_, registry_, io_.get_executor()};
    module_ = make_module(context);
    module_->register_subscriptions(*bus_);
  }

  void TearDown() override {
    module_.reset();
    bus_.reset();
    if (pool_) pool_->close();
  }

  asio::awaitable<void> migrate() {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"auth", templates, {}});
    schemas.push_back({"users", templates, migrations()});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // Runs `body` with the bus dispatching (support/run_with_bus.hpp).
  void with_bus(std::function<asio::awaitable<void>()> body) { nelo::test::run_with_bus(io_, *bus_, body); }

  // Runs a test body to completion on two threads, like the server does.
  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  // Runs all of `tasks` at once on two threads; returns how many threw, and the first error text.
  std::pair<int, std::string> run_concurrently(std::vector<std::function<asio::awaitable<void>()>> tasks) {
    std::atomic<int> failures{0};
    std::string first_error;
    std::mutex mutex;
    for (auto& task : tasks) {
      asio::co_spawn(io_, task(), [&](std::exception_ptr e) {
        if (!e) return;
        failures.fetch_add(1);
        std::lock_guard lock(mutex);
        if (first_error.empty()) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            first_error = ex.what();
          }
        }
      });
    }
    io_.restart();
    std::thread other([this] { io_.run(); });
    io_.run();
    other.join();
    return {failures.load(), first_error};
  }

  // --- data ---

  static RegisteredUser registered(std::string name = "Élodie Martin") {
    RegisteredUser user;
    user.user_id = new_uuid();
    user.email = "user-" + user.user_id.substr(0, 8) + "@example.com";
    user.name = std::move(name);
    return user;
  }

  // A user whose profile exists, created the way the event handler does it.
  std::string make_user(std::string name = "Élodie Martin") {
    const RegisteredUser user = registered(std::move(name));
    run([&]() -> asio::awaitable<void> {
      auto tx = co_await module_db_.begin();
      co_await profiles_.on_user_registered(tx, user);
      co_await tx.commit();
    }());
    return user.user_id;
  }

  static NewAddress new_address(std::string label = "Home", double lat = 48.8559, double lng = 2.3601) {
    NewAddress a;
    a.label = std::move(label);
    a.line1 = "10 rue de Rivoli";
    a.city = "Paris";
    a.postal_code = "75001";
    a.country = "FR";
    a.lat = lat;
    a.lng = lng;
    return a;
  }

  Address add_address(const std::string& user_id, const NewAddress& address) {
    return run(addresses_.create(user_id, address));
  }
  Address add_address(const std::string& user_id, std::string label = "Home", bool is_default = false) {
    NewAddress a = new_address(std::move(label));
    a.is_default = is_default;
    return add_address(user_id, a);
  }

  // --- reading the database as the superuser ---

  std::string value(const std::string& sql) const { return database_.value(sql); }
  std::vector<std::string> column(const std::string& sql) const { return database_.column(sql); }
  std::vector<std::string> default_ids(const std::string& user_id) const {
    return column("SELECT id FROM users.addresses WHERE is_default AND user_id = '" + user_id + "'");
  }
  std::int64_t address_count(const std::string& user_id) const {
    return std::stoll(value("SELECT count(*) FROM users.addresses WHERE user_id = '" + user_id + "'"));
  }

  // Declaration order matters: what uses the pool dies before it, the io_context after them,
  // the database last.
  nelo::test::TestDatabase database_;
  asio::io_context io_;
  metrics::Registry registry_;
  Config config_;
  SystemClock clock_;
  std::shared_ptr<db::Pool> pool_ = db::Pool::create(io_.get_executor(), pool_options(database_));
  db::ModuleDb module_db_{*pool_, "users"};  // what the composition root hands the module
  ProfileRepository profile_repository_{module_db_, io_.get_executor()};
  AddressRepository address_repository_{module_db_};
  ProfileService profiles_{profile_repository_};
  AddressService addresses_{module_db_, profile_repository_, address_repository_};
  UserDirectory directory_{profile_repository_, address_repository_};
  std::unique_ptr<events::OutboxEventBus> bus_;
  std::unique_ptr<UsersModule> module_;
};

}  // namespace nelo::users::test
