#include "modules/orders/module.hpp"

#include "core/db/group_commit.hpp"
#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/orders/api/v1/routes.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_checkout.hpp"
#include "modules/orders/services/order_directory.hpp"
#include "modules/orders/services/order_placement.hpp"
#include "modules/orders/services/order_queries.hpp"
#include "modules/orders/services/order_workflow.hpp"
#include "modules/orders/state_machine.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/idempotency/module_keys.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;

class OrdersModuleImpl final : public OrdersModule {
 public:
  OrdersModuleImpl(const ModuleContext& context, OrdersDependencies dependencies, OrdersSettings settings)
      : settings_(std::move(settings)),
        orders_(context.db, context.executor, &context.metrics),
        keys_(context.db, context.clock, context.executor, settings_.idempotency_purge_interval),
        checkout_(dependencies.users, dependencies.catalog, settings_.pricing, context.clock),
        workflow_(context.db, context.bus, orders_, context.metrics),
        placements_(context.db, context.executor,
                    {.max_group = settings_.placement_group_max, .name = "orders.placements"}, &context.metrics),
        placement_(placements_, context.bus, checkout_, orders_, workflow_, dependencies.payments, context.clock),
        queries_(orders_, dependencies.users, dependencies.catalog, dependencies.deliveries, dependencies.payments,
                 context.clock, settings_.details_cache_ttl),
        directory_(orders_) {}

  std::string name() const override { return "orders"; }
  std::span<const db::MigrationFile> migrations() const override { return orders::migrations(); }

  void register_routes(http::Router& router) override {
    const OrderRouteServices services{checkout_, placement_, workflow_, queries_, keys_.store()};
    orders::register_routes(router, services);
  }

  void register_subscriptions(events::EventBus& bus) override {
    // Other modules say what happened to an order's payment or parcel; the platform moves the
    // order accordingly, in the bus's transaction (which also records the event in orders.inbox).
    subscribe(bus, "payment.authorized", Action::Place);
    subscribe(bus, "payment.failed", Action::Reject);
    subscribe(bus, "delivery.picked_up", Action::PickUp);
    subscribe(bus, "delivery.completed", Action::Deliver);
  }

  asio::awaitable<void> start() override {
    keys_.start();
    co_return;
  }

  asio::awaitable<void> stop() override { co_await keys_.stop(); }

  OrderInterface& order_interface() override { return directory_; }

 private:
  void subscribe(events::EventBus& bus, const char* event_name, Action action) {
    bus.subscribe_batch("orders", event_name,
                        [this, action](db::Transaction& tx,
                                       std::span<const events::Event* const> events) -> asio::awaitable<void> {
                          co_await workflow_.on_events(tx, events, action);
                        });
  }

  OrdersSettings settings_;
  OrderRepository orders_;
  idempotency::ModuleKeys keys_;
  OrderCheckout checkout_;
  OrderWorkflow workflow_;
  db::GroupCommit placements_;
  OrderPlacement placement_;
  OrderQueries queries_;
  OrderDirectory directory_;
};

}  // namespace

std::unique_ptr<OrdersModule> make_module(const ModuleContext& context, OrdersDependencies dependencies) {
  return make_module(context, dependencies, orders_settings_from_environment());
}

std::unique_ptr<OrdersModule> make_module(const ModuleContext& context, OrdersDependencies dependencies,
                                          OrdersSettings settings) {
  return std::make_unique<OrdersModuleImpl>(context, dependencies, std::move(settings));
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::orders
