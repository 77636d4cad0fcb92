#pragma once
// Set-up of the catalog pg suites: a fresh database migrated with the catalog module, a pool, the
// catalog repositories and services on a clock the test sets (so "open now" is deterministic),
// the CatalogInterface implementation, and helpers to create merchants and products and read the
// database as the superuser.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/module_db.hpp"
#include "core/db/pool.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "modules/catalog/models.hpp"
#include "modules/catalog/module.hpp"
#include "modules/catalog/repositories/merchant_repository.hpp"
#include "modules/catalog/repositories/product_repository.hpp"
#include "modules/catalog/repositories/time_zone_repository.hpp"
#include "modules/catalog/services/catalog_directory.hpp"
#include "modules/catalog/services/merchant_service.hpp"
#include "modules/catalog/services/product_service.hpp"
#include "modules/catalog/services/time_zones.hpp"
#include "shared/module.hpp"
#include "support/run_async.hpp"
#include "support/test_database.hpp"

namespace nelo::catalog::test {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

// A clock that shows what the test says.
class SetClock final : public Clock {
 public:
  Timestamp now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void set(Timestamp t) {
    std::lock_guard lock(mutex_);
    now_ = t;
  }

 private:
  mutable std::mutex mutex_;
  Timestamp now_ = *parse_timestamp("2026-11-25T12:00:00Z");  // a Wednesday, 13:00 in Paris
};

inline Timestamp at(std::string_view rfc3339) {
  auto t = parse_timestamp(rfc3339);
  if (!t) throw std::invalid_argument("bad timestamp in a test: " + std::string(rfc3339));
  return *t;
}

inline TimeRange range(std::string_view opens, std::string_view closes) {
  TimeRange r;
  r.opens = *parse_clock_time(opens, false);
  r.closes = *parse_clock_time(closes, true);
  return r;
}

// The same ranges every day.
inline OpeningHours every_day(std::vector<TimeRange> ranges) {
  OpeningHours hours;
  for (auto& day : hours.days) day = ranges;
  return hours;
}

inline Money eur(std::int64_t amount) {
  Money m;
  m.amount = amount;
  m.currency = "EUR";
  return m;
}

inline Actor owner(std::string user_id) {
  Actor a;
  a.user_id = std::move(user_id);
  return a;
}

inline Actor admin() {
  Actor a;
  a.user_id = new_uuid();
  a.is_admin = true;
  return a;
}

class CatalogDbTest : public ::testing::Test {
 protected:
  static db::PoolOptions pool_options(const nelo::test::TestDatabase& database) {
    db::PoolOptions options;
    options.conninfo = database.conninfo();
    options.max_size = 8;
    options.acquire_timeout = 5s;
    options.application_name = "nelo-catalog-test";
    return options;
  }

  void SetUp() override { run(migrate()); }

  void TearDown() override {
    if (pool_) pool_->close();
  }

  asio::awaitable<void> migrate() {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"catalog", templates, migrations()});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // Runs a test body to completion on two threads, like the server does.
  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  // Runs all of `tasks` at once on two threads; returns how many threw.
  int run_concurrently(std::vector<std::function<asio::awaitable<void>()>> tasks) {
    std::atomic<int> failures{0};
    for (auto& task : tasks) {
      asio::co_spawn(io_, task(), [&](std::exception_ptr e) {
        if (e) failures.fetch_add(1);
      });
    }
    io_.restart();
    std::thread other([this] { io_.run(); });
    io_.run();
    other.join();
    return failures.load();
  }

  // --- data ---

  static NewMerchant new_merchant(std::string name = "Chez Léon", double lat = 48.8566, double lng = 2.3522) {
    NewMerchant m;
    m.name = std::move(name);
    m.description = "Bistrot parisien";
    m.address = "12 rue de Rivoli, 75004 Paris";
    m.lat = lat;
    m.lng = lng;
    m.phone = "+33142685300";
    m.opening_hours = every_day({range("11:30", "14:30"), range("18:30", "23:00")});
    m.time_zone = "Europe/Paris";
    m.prep_time_minutes = 15;
    m.min_order = eur(1500);
    m.delivery_radius_m = 3000;
    return m;
  }

  Merchant add_merchant(const std::string& owner_id, const NewMerchant& merchant) {
    return run(merchants_.create(owner(owner_id), merchant));
  }
  Merchant add_merchant(const std::string& owner_id, std::string name = "Chez Léon", double lat = 48.8566,
                        double lng = 2.3522) {
    return add_merchant(owner_id, new_merchant(std::move(name), lat, lng));
  }

  static NewProduct new_product(std::string name = "Croque-monsieur", std::int64_t cents = 950,
                                std::optional<std::string> category = std::nullopt) {
    NewProduct p;
    p.name = std::move(name);
    p.price = eur(cents);
    p.category = std::move(category);
    return p;
  }

  Product add_product(const Merchant& merchant, NewProduct product = new_product()) {
    return run(products_.create(owner(merchant.owner_id), merchant.id, product));
  }

  // --- reading the database as the superuser ---

  std::string value(const std::string& sql) const { return database_.value(sql); }
  std::vector<std::string> column(const std::string& sql) const { return database_.column(sql); }
  std::string merchant_row(const std::string& id) const {
    return value("SELECT row_to_json(m)::text FROM catalog.merchants m WHERE id = '" + id + "'");
  }
  std::string product_row(const std::string& id) const {
    return value("SELECT row_to_json(p)::text FROM catalog.products p WHERE id = '" + id + "'");
  }

  // Declaration order matters: what uses the pool dies before it, the io_context after them,
  // the database last.
  nelo::test::TestDatabase database_;
  asio::io_context io_;
  SetClock clock_;
  std::shared_ptr<db::Pool> pool_ = db::Pool::create(io_.get_executor(), pool_options(database_));
  db::ModuleDb module_db_{*pool_, "catalog"};  // what the composition root hands the module
  MerchantRepository merchant_repository_{module_db_};
  ProductRepository product_repository_{module_db_};
  TimeZoneRepository time_zone_repository_{module_db_};
  TimeZones time_zones_{time_zone_repository_};
  MerchantService merchants_{module_db_, merchant_repository_, product_repository_, time_zones_, clock_};
  ProductService products_{module_db_, merchant_repository_, product_repository_};
  CatalogDirectory directory_{merchant_repository_, product_repository_};
};

}  // namespace nelo::catalog::test
