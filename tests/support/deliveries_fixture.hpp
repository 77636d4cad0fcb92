#pragma once
// Set-up of the deliveries pg suites: the orders fixture (a real orders module, bus and
// PostgreSQL; users and catalog described by in-test implementations of their interfaces) plus
// the deliveries module migrated and subscribed, so that orders' events reach it as in the server.
// Helpers read deliveries' tables as the superuser.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "modules/deliveries/module.hpp"
#include "support/orders_fixture.hpp"

namespace nelo::orders::test {

class DeliveriesDbTest : public OrdersDbTest {
 protected:
  void SetUp() override {
    OrdersDbTest::SetUp();
    run(migrate_deliveries());
    ModuleContext context{deliveries_db_, *bus_, config_, clock_, registry_, io_.get_executor()};
    deliveries::DeliveriesDependencies dependencies;
    dependencies.users = &users_;
    delivery_module_ = deliveries::make_module(context, dependencies);
    delivery_module_->register_subscriptions(*bus_);
  }

  void TearDown() override {
    delivery_module_.reset();
    OrdersDbTest::TearDown();
  }

  asio::awaitable<void> migrate_deliveries() {
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"deliveries", module_schema_templates(), deliveries::migrations()});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // Publishes `name` from the orders schema, as the orders module would (a redelivery by hand).
  asio::awaitable<std::string> publish(std::string name, json::object payload) {
    auto tx = co_await pool_->begin("orders");
    const std::string id = co_await bus_->publish(tx, std::move(name), 1, std::move(payload));
    co_await tx.commit();
    co_return id;
  }

  // Every event orders published so far reached deliveries (and was applied or ignored).
  asio::awaitable<void> settled() {
    co_await eventually(
        [&] {
          return count(undelivered_sql("orders", "deliveries")) == 0;
        },
        "orders' events delivered to deliveries");
  }

  // Every event deliveries published so far reached orders.
  asio::awaitable<void> settled_orders() {
    co_await eventually(
        [&] {
          return count(undelivered_sql("deliveries", "orders")) == 0;
        },
        "deliveries' events delivered to orders");
  }

  std::string delivery(const std::string& order_id, const std::string& column) {
    return value("SELECT " + column + " FROM deliveries.deliveries WHERE order_id = '" + order_id + "'");
  }
  std::int64_t deliveries_of(const std::string& order_id) {
    return count("SELECT count(*) FROM deliveries.deliveries WHERE order_id = '" + order_id + "'");
  }
  std::vector<std::string> delivery_events(const std::string& order_id) {
    return column("SELECT name FROM deliveries.outbox WHERE payload->>'order_id' = '" + order_id + "' ORDER BY seq");
  }

  std::string accepted_order() {
    const std::string id = place_ok();
    act(id, Action::Accept, actor(ActorKind::Merchant, owner_));
    return id;
  }

  db::ModuleDb deliveries_db_{*pool_, "deliveries"};
  std::unique_ptr<deliveries::DeliveriesModule> delivery_module_;
};

}  // namespace nelo::orders::test
