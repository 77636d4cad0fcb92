#pragma once
// Entry point of the deliveries module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "modules/deliveries/deliveries_settings.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::deliveries {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// Reads the NELO_DELIVERIES_* settings (throws std::invalid_argument on a bad value).
std::unique_ptr<Module> make_module(const ModuleContext& context);
// The same with explicit settings instead of the environment (tests, tools).
std::unique_ptr<Module> make_module(const ModuleContext& context, DeliveriesSettings settings);

}  // namespace nelo::deliveries
