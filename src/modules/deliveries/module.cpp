#include "modules/deliveries/module.hpp"

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_directory.hpp"
#include "modules/deliveries/services/delivery_intake.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/state_machine.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

class DeliveriesModuleImpl final : public DeliveriesModule {
 public:
  DeliveriesModuleImpl(const ModuleContext& context, DeliveriesDependencies dependencies)
      : deliveries_(context.db),
        workflow_(context.bus, deliveries_),
        intake_(deliveries_, workflow_),
        directory_(deliveries_, dependencies.users) {}

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

  DeliveryInterface& delivery_interface() override { return directory_; }

 private:
  using Reaction = asio::awaitable<void> (DeliveryIntake::*)(db::Transaction&, const events::Event&);

  void subscribe(events::EventBus& bus, const char* event_name, Reaction reaction) {
    bus.subscribe("deliveries", event_name,
                  [this, reaction](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                    co_await (intake_.*reaction)(tx, event);
                  });
  }

  DeliveryRepository deliveries_;
  DeliveryWorkflow workflow_;
  DeliveryIntake intake_;
  DeliveryDirectory directory_;
};

}  // namespace

std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies) {
  return std::make_unique<DeliveriesModuleImpl>(context, dependencies);
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::deliveries
