#include "modules/catalog/module.hpp"

namespace nelo::catalog {
namespace {

class CatalogModule final : public Module {
 public:
  std::string name() const override { return "catalog"; }
  std::span<const db::MigrationFile> migrations() const override { return catalog::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<CatalogModule>(); }

}  // namespace nelo::catalog
