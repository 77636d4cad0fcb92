#pragma once
// Entry point of the payments module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/db/migration.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::payments {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

std::unique_ptr<Module> make_module(const ModuleContext& context);

// The payment state machine drawn from the same transition table the services enforce.
// format: "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws std::invalid_argument otherwise.
std::string state_machine_diagram(std::string_view format);

}  // namespace nelo::payments
