#pragma once
// What the composition root hands every module factory: the shared infrastructure.
// Cross-module needs are passed separately, as the interfaces in shared/interfaces/.

#include <boost/asio/any_io_executor.hpp>

#include "core/config.hpp"
#include "core/time.hpp"

namespace nelo {
namespace db {
class Pool;
}
namespace events {
class EventBus;
}
namespace metrics {
class Registry;
}

struct ModuleContext {
  db::Pool& pool;
  events::EventBus& bus;
  const Config& config;
  const Clock& clock;
  metrics::Registry& metrics;
  boost::asio::any_io_executor executor;
};

}  // namespace nelo
