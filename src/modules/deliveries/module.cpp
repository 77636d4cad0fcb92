#include "modules/deliveries/module.hpp"

#include <memory>

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/deliveries/live/in_process_live_locations.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/repositories/offer_repository.hpp"
#include "modules/deliveries/services/delivery_directory.hpp"
#include "modules/deliveries/services/delivery_intake.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/services/dispatch_options.hpp"
#include "modules/deliveries/services/dispatcher.hpp"
#include "modules/deliveries/services/eta_estimator.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

class DeliveriesModuleImpl final : public DeliveriesModule {
 public:
  DeliveriesModuleImpl(const ModuleContext& context, DeliveriesDependencies dependencies)
      : deliveries_(context.db),
        offers_(context.db),
        workflow_(context.bus, deliveries_),
        intake_(deliveries_, workflow_),
        directory_(deliveries_, dependencies.users),
        dispatcher_(context.db, context.bus, deliveries_, offers_, workflow_, live_, eta_, context.clock, options_),
        // Deadlines and the queue live in the database: each pass reads them again, so a restart
        // loses no timeout, and instances share the work (SKIP LOCKED).
        dispatch_(PeriodicTask::create(context.executor, "deliveries: dispatch", options_.sweep_interval,
                                       [this]() { return dispatcher_.run_once(); })) {}

  std::string name() const override { return "deliveries"; }
  std::span<const db::MigrationFile> migrations() const override { return deliveries::migrations(); }
  void register_routes(http::Router&) override {}

  void register_subscriptions(events::EventBus& bus) override {
    // Deliveries follows orders through their events, in the bus's transaction (which also
    // records the event in deliveries.inbox, so a redelivery changes nothing).
    subscribe(bus, "order.created", &DeliveryIntake::on_order_created);
    subscribe(bus, "order.accepted", &DeliveryIntake::on_order_accepted);
    subscribe(bus, "order.cancelled", &DeliveryIntake::on_order_closed);
    subscribe(bus, "order.rejected", &DeliveryIntake::on_order_closed);
  }

  asio::awaitable<void> start() override {
    dispatch_->start();
    co_return;
  }

  asio::awaitable<void> stop() override { co_await dispatch_->stop(); }

  DeliveryInterface& delivery_interface() override { return directory_; }

 private:
  using Reaction = asio::awaitable<void> (DeliveryIntake::*)(db::Transaction&, const events::Event&);

  void subscribe(events::EventBus& bus, const char* event_name, Reaction reaction) {
    bus.subscribe("deliveries", event_name,
                  [this, reaction](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                    co_await (intake_.*reaction)(tx, event);
                  });
  }

  // Until the drivers part is merged: default dispatch options, and a live store nobody pings.
  DispatchOptions options_;
  InProcessLiveLocations live_;
  SpeedEtaEstimator eta_;
  DeliveryRepository deliveries_;
  OfferRepository offers_;
  DeliveryWorkflow workflow_;
  DeliveryIntake intake_;
  DeliveryDirectory directory_;
  Dispatcher dispatcher_;
  std::shared_ptr<PeriodicTask> dispatch_;
};

}  // namespace

std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies) {
  return std::make_unique<DeliveriesModuleImpl>(context, dependencies);
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::deliveries
