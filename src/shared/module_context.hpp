#pragma once
// What the composition root hands a module factory: the module's own database handle and the
// shared infrastructure. Cross-module needs are passed separately, as the interfaces in
// shared/interfaces/. A module never sees the pool: `db` is already bound to the module's name
// and role (core/db/module_db.hpp), and in phase 2 to the module's own DATABASE_URL_<MODULE>.

#include <boost/asio/any_io_executor.hpp>

#include "core/config.hpp"
#include "core/time.hpp"

namespace nelo {
namespace db {
class ModuleDb;
}
namespace events {
class EventBus;
}
namespace metrics {
class Registry;
}

struct ModuleContext {
  db::ModuleDb& db;  // owned by the composition root, outlives the module
  events::EventBus& bus;
  const Config& config;
  const Clock& clock;
  metrics::Registry& metrics;
  boost::asio::any_io_executor executor;
};

}  // namespace nelo
