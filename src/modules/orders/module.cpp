#include "modules/orders/module.hpp"

#include <stdexcept>

namespace nelo::orders {
namespace {

// Placeholder while the orders module is being written (issue 4): no routes yet.
class OrdersModuleImpl final : public OrdersModule {
 public:
  std::string name() const override { return "orders"; }
  std::span<const db::MigrationFile> migrations() const override { return orders::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
  OrderInterface& order_interface() override { throw std::logic_error("orders: not built yet"); }
};

}  // namespace

std::unique_ptr<OrdersModule> make_module(const ModuleContext&, OrdersDependencies) {
  return std::make_unique<OrdersModuleImpl>();
}

std::string state_machine_diagram(std::string_view) { throw std::logic_error("orders: not built yet"); }

}  // namespace nelo::orders
