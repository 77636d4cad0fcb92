#pragma once
// Entry point of the catalog module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "shared/interfaces/catalog_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::catalog {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

class CatalogModule : public Module {
 public:
  // The in-process CatalogInterface, for the modules that need merchants and products (orders).
  // Lives as long as the module.
  virtual CatalogInterface& catalog_interface() = 0;
};

std::unique_ptr<CatalogModule> make_module(const ModuleContext& context);

}  // namespace nelo::catalog
