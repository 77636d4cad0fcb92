#pragma once
// Entry point of the deliveries module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::deliveries {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

std::unique_ptr<Module> make_module(const ModuleContext& context);

}  // namespace nelo::deliveries
