#include "modules/deliveries/module.hpp"

namespace nelo::deliveries {
namespace {

class DeliveriesModule final : public Module {
 public:
  std::string name() const override { return "deliveries"; }
  std::span<const db::MigrationFile> migrations() const override { return deliveries::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<DeliveriesModule>(); }

}  // namespace nelo::deliveries
