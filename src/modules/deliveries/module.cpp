#include "modules/deliveries/module.hpp"

#include <spdlog/spdlog.h>

#include <memory>

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/deliveries/api/v1/delivery_routes.hpp"
#include "modules/deliveries/api/v1/delivery_step_routes.hpp"
#include "modules/deliveries/api/v1/driver_routes.hpp"
#include "modules/deliveries/live/make_live_locations.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/repositories/driver_repository.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"
#include "modules/deliveries/repositories/position_repository.hpp"
#include "modules/deliveries/services/delivery_directory.hpp"
#include "modules/deliveries/services/delivery_intake.hpp"
#include "modules/deliveries/services/delivery_steps.hpp"
#include "modules/deliveries/services/delivery_views.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/services/dispatcher.hpp"
#include "modules/deliveries/services/driver_locator.hpp"
#include "modules/deliveries/services/driver_service.hpp"
#include "modules/deliveries/services/eta_estimator.hpp"
#include "modules/deliveries/services/held_deliveries.hpp"
#include "modules/deliveries/services/offer_service.hpp"
#include "modules/deliveries/services/online_drivers.hpp"
#include "modules/deliveries/services/ping_service.hpp"
#include "modules/deliveries/services/position_writer.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

class DeliveriesModuleImpl final : public DeliveriesModule {
 public:
  DeliveriesModuleImpl(const ModuleContext& context, DeliveriesDependencies dependencies, DeliveriesSettings settings)
      : settings_(std::move(settings)),
        live_(make_live_locations(context.executor, context.config.redis_url, context.config.redis_key_prefix + ":live")),
        deliveries_(context.db, context.executor, &context.metrics),
        offers_(context.db),
        workflow_(context.bus, deliveries_),
        intake_(deliveries_, workflow_),
        directory_(deliveries_, dependencies.users),
        held_(deliveries_),
        driver_repository_(context.db),
        position_repository_(context.db),
        online_(driver_repository_, settings_.online_cache_ttl),
        writer_(position_repository_, context.executor, settings_.position_flush_interval),
        drivers_(driver_repository_, online_, *live_, held_),
        pings_(online_, *live_, writer_, settings_, context.clock, dependencies.live_feed),
        locator_(*live_, settings_, context.clock),
        dispatcher_(context.db, context.bus, deliveries_, offers_, workflow_, *live_, eta_, context.clock, settings_,
                    dependencies.live_feed),
        offer_service_(context.db, deliveries_, offers_, workflow_),
        steps_(context.db, deliveries_, workflow_, settings_.pin_max_attempts),
        views_(deliveries_, *live_, dependencies.users),
        // Deadlines and the queue live in the database: each pass reads them again, so a restart
        // loses no timeout, and instances share the work (SKIP LOCKED).
        dispatch_(PeriodicTask::create(context.executor, "deliveries: dispatch", settings_.dispatch_sweep_interval,
                                       [this]() { return dispatcher_.run_once(); })),
        prune_(PeriodicTask::create(context.executor, "deliveries: live index prune", kPruneInterval,
                                    [this, clock = &context.clock]() { return prune_silent_drivers(*clock); })) {}

  std::string name() const override { return "deliveries"; }
  std::span<const db::MigrationFile> migrations() const override { return deliveries::migrations(); }

  void register_routes(http::Router& router) override {
    register_driver_routes(router, drivers_, pings_, locator_);
    register_delivery_routes(router, DeliveryRouteServices{offer_service_});
    register_delivery_step_routes(router, steps_, views_);
  }

  void register_subscriptions(events::EventBus& bus) override {
    // Deliveries follows orders through their events, in the bus's transaction (which also
    // records the event in deliveries.inbox, so a redelivery changes nothing).
    subscribe(bus, "order.created", &DeliveryIntake::on_order_created);
    subscribe(bus, "order.accepted", &DeliveryIntake::on_order_accepted);
    subscribe(bus, "order.cancelled", &DeliveryIntake::on_order_closed);
    subscribe(bus, "order.rejected", &DeliveryIntake::on_order_closed);
  }

  asio::awaitable<void> start() override {
    // The live index starts empty: online drivers whose last-known position is still fresh go
    // back in at once, rather than being invisible to dispatch until their next ping.
    const std::size_t seeded = co_await locator_.seed(position_repository_);
    if (seeded > 0) spdlog::info("deliveries: {} online drivers back in the live index from their last-known positions", seeded);
    writer_.start();
    dispatch_->start();
    prune_->start();
  }

  // After the server drained: the positions still pending reach the database.
  asio::awaitable<void> stop() override {
    co_await prune_->stop();
    co_await dispatch_->stop();
    co_await writer_.stop();
  }

  DeliveryInterface& delivery_interface() override { return directory_; }

 private:
  using Reaction = asio::awaitable<void> (DeliveryIntake::*)(db::Transaction&, const events::Event&);
  static constexpr std::chrono::milliseconds kPruneInterval{60'000};

  // Drivers silent for longer than the retention leave the live index (every instance may do
  // it: forgetting twice is harmless).
  asio::awaitable<void> prune_silent_drivers(const Clock& clock) {
    const std::size_t pruned = co_await live_->prune(clock.now() - settings_.live_retention);
    if (pruned > 0) spdlog::info("deliveries: {} silent drivers left the live index", pruned);
  }

  void subscribe(events::EventBus& bus, const char* event_name, Reaction reaction) {
    bus.subscribe("deliveries", event_name,
                  [this, reaction](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                    co_await (intake_.*reaction)(tx, event);
                  });
  }

  DeliveriesSettings settings_;
  std::unique_ptr<LiveLocations> live_;
  SpeedEtaEstimator eta_;
  DeliveryRepository deliveries_;
  OfferRepository offers_;
  DeliveryWorkflow workflow_;
  DeliveryIntake intake_;
  DeliveryDirectory directory_;
  HeldDeliveries held_;
  DriverRepository driver_repository_;
  PositionRepository position_repository_;
  OnlineDrivers online_;
  PositionWriter writer_;
  DriverService drivers_;
  PingService pings_;
  DriverLocator locator_;
  Dispatcher dispatcher_;
  OfferService offer_service_;
  DeliverySteps steps_;
  DeliveryViews views_;
  std::shared_ptr<PeriodicTask> dispatch_;
  std::shared_ptr<PeriodicTask> prune_;
};

}  // namespace

std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies) {
  return make_module(context, dependencies, deliveries_settings_from_environment());
}

std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies,
                                              DeliveriesSettings settings) {
  return std::make_unique<DeliveriesModuleImpl>(context, dependencies, std::move(settings));
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::deliveries
