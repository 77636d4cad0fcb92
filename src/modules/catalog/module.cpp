#include "modules/catalog/module.hpp"

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/catalog/api/v1/routes.hpp"
#include "modules/catalog/repositories/merchant_repository.hpp"
#include "modules/catalog/repositories/product_repository.hpp"
#include "modules/catalog/repositories/time_zone_repository.hpp"
#include "modules/catalog/services/catalog_directory.hpp"
#include "modules/catalog/services/merchant_service.hpp"
#include "modules/catalog/services/product_service.hpp"
#include "modules/catalog/services/time_zones.hpp"
#include "shared/idempotency/module_keys.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

class CatalogModuleImpl final : public CatalogModule {
 public:
  explicit CatalogModuleImpl(const ModuleContext& context)
      : keys_(context.db, context.clock, context.executor),
        merchant_repository_(context.db),
        product_repository_(context.db),
        time_zone_repository_(context.db),
        time_zones_(time_zone_repository_),
        merchants_(context.db, merchant_repository_, product_repository_, time_zones_, context.clock),
        products_(context.db, merchant_repository_, product_repository_),
        directory_(merchant_repository_, product_repository_) {}

  std::string name() const override { return "catalog"; }
  std::span<const db::MigrationFile> migrations() const override { return catalog::migrations(); }

  void register_routes(http::Router& router) override {
    catalog::register_routes(router, merchants_, products_, keys_.store());
  }

  // The catalog reacts to no event and publishes none yet: an order copies what it needs
  // (architecture rule 4), so a price change concerns nobody after the fact.
  void register_subscriptions(events::EventBus&) override {}

  asio::awaitable<void> start() override {
    keys_.start();
    co_return;
  }

  asio::awaitable<void> stop() override { co_await keys_.stop(); }

  CatalogInterface& catalog_interface() override { return directory_; }

 private:
  idempotency::ModuleKeys keys_;  // of the creating POSTs
  MerchantRepository merchant_repository_;
  ProductRepository product_repository_;
  TimeZoneRepository time_zone_repository_;
  TimeZones time_zones_;
  MerchantService merchants_;
  ProductService products_;
  CatalogDirectory directory_;
};

}  // namespace

std::unique_ptr<CatalogModule> make_module(const ModuleContext& context) {
  return std::make_unique<CatalogModuleImpl>(context);
}

}  // namespace nelo::catalog
