#include "modules/orders/module.hpp"

namespace nelo::orders {
namespace {

class OrdersModule final : public Module {
 public:
  std::string name() const override { return "orders"; }
  std::span<const db::MigrationFile> migrations() const override { return orders::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<OrdersModule>(); }

}  // namespace nelo::orders
