#pragma once
// The one place that knows every module: builds them in dependency order.

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/db/module_db.hpp"
#include "core/time.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo {
class AccessTokenVerifier;
namespace db {
class Pool;
}
namespace events {
class EventBus;
}
namespace metrics {
class Registry;
}
namespace auth {
class AuthModule;
}
}  // namespace nelo

namespace nelo::app {

// Names of every module, in the order their migrations run and their routes are registered
// (the one list, core/module_names.hpp).
const std::vector<std::string>& all_module_names();

// What every module shares. make_modules gives each module a ModuleContext with these and a
// database handle of its own, bound to `pool` and the module's name.
struct Platform {
  db::Pool& pool;
  events::EventBus& bus;
  const Config& config;
  const Clock& clock;
  metrics::Registry& metrics;
  boost::asio::any_io_executor executor;
};

struct ModuleSet {
  // One per module in `modules`, each referenced by its module: declared first, so destroyed last.
  std::vector<std::unique_ptr<db::ModuleDb>> databases;
  std::vector<std::unique_ptr<Module>> modules;  // enabled ones, in order
  auth::AuthModule* auth = nullptr;              // null when auth is not served by this process
  const AccessTokenVerifier* verifier = nullptr;
};

// The modules enabled by platform.config.modules (NELO_MODULES), wired to each other's
// interfaces, each with its own database handle. Throws std::logic_error when the factories it
// calls disagree with the module list.
ModuleSet make_modules(const Platform& platform);

}  // namespace nelo::app
