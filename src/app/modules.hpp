#pragma once
// The one place that knows every module: builds them in dependency order.

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo {
class AccessTokenVerifier;
namespace auth {
class AuthModule;
}
}  // namespace nelo

namespace nelo::app {

// Names of every module, in the order their migrations run and their routes are registered
// (the one list, core/module_names.hpp).
const std::vector<std::string>& all_module_names();

struct ModuleSet {
  std::vector<std::unique_ptr<Module>> modules;  // enabled ones, in order
  auth::AuthModule* auth = nullptr;              // null when auth is not served by this process
  const AccessTokenVerifier* verifier = nullptr;
};

// The modules enabled by config.modules (NELO_MODULES), wired to each other's interfaces.
// Throws std::logic_error when the factories it calls disagree with the module list.
ModuleSet make_modules(const ModuleContext& context);

}  // namespace nelo::app
