#include "modules/catalog/module.hpp"

#include <stdexcept>

namespace nelo::catalog {
namespace {

// Placeholder while the catalog module is being written (issue 4): no routes yet.
class CatalogModuleImpl final : public CatalogModule {
 public:
  std::string name() const override { return "catalog"; }
  std::span<const db::MigrationFile> migrations() const override { return catalog::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
  CatalogInterface& catalog_interface() override { throw std::logic_error("catalog: not built yet"); }
};

}  // namespace

std::unique_ptr<CatalogModule> make_module(const ModuleContext&) { return std::make_unique<CatalogModuleImpl>(); }

}  // namespace nelo::catalog
