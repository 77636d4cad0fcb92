#include "modules/deliveries/module.hpp"

#include <spdlog/spdlog.h>

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/deliveries/api/v1/driver_routes.hpp"
#include "modules/deliveries/live/make_live_locations.hpp"
#include "modules/deliveries/repositories/driver_repository.hpp"
#include "modules/deliveries/repositories/position_repository.hpp"
#include "modules/deliveries/services/active_deliveries.hpp"
#include "modules/deliveries/services/driver_locator.hpp"
#include "modules/deliveries/services/driver_service.hpp"
#include "modules/deliveries/services/online_drivers.hpp"
#include "modules/deliveries/services/ping_service.hpp"
#include "modules/deliveries/services/position_writer.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

// until dispatch: no deliveries exist
class NoActiveDeliveries final : public ActiveDeliveries {
 public:
  asio::awaitable<bool> has_active(std::string) override { co_return false; }
};

class DeliveriesModule final : public Module {
 public:
  DeliveriesModule(const ModuleContext& context, DeliveriesSettings settings)
      : settings_(std::move(settings)),
        live_(make_live_locations(context.executor, context.config.redis_url)),
        driver_repository_(context.db),
        position_repository_(context.db),
        online_(driver_repository_, settings_.online_cache_ttl),
        writer_(position_repository_, context.executor, settings_.position_flush_interval),
        drivers_(driver_repository_, online_, *live_, active_),
        pings_(online_, *live_, writer_, settings_, context.clock),
        locator_(*live_, settings_, context.clock) {}

  std::string name() const override { return "deliveries"; }
  std::span<const db::MigrationFile> migrations() const override { return deliveries::migrations(); }

  void register_routes(http::Router& router) override {
    register_driver_routes(router, drivers_, pings_, locator_);
  }

  void register_subscriptions(events::EventBus&) override {}

  asio::awaitable<void> start() override {
    // The live index starts empty: online drivers whose last-known position is still fresh go
    // back in at once, rather than being invisible to dispatch until their next ping.
    const std::size_t seeded = co_await locator_.seed(position_repository_);
    if (seeded > 0) spdlog::info("deliveries: {} online drivers back in the live index from their last-known positions", seeded);
    writer_.start();
  }

  // After the server drained: the positions still pending reach the database.
  asio::awaitable<void> stop() override { co_await writer_.stop(); }

 private:
  DeliveriesSettings settings_;
  std::unique_ptr<LiveLocations> live_;
  NoActiveDeliveries active_;
  DriverRepository driver_repository_;
  PositionRepository position_repository_;
  OnlineDrivers online_;
  PositionWriter writer_;
  DriverService drivers_;
  PingService pings_;
  DriverLocator locator_;
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext& context) {
  return make_module(context, deliveries_settings_from_environment());
}

std::unique_ptr<Module> make_module(const ModuleContext& context, DeliveriesSettings settings) {
  return std::make_unique<DeliveriesModule>(context, std::move(settings));
}

}  // namespace nelo::deliveries
