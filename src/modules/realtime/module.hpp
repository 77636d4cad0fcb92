#pragma once
// Entry point of the realtime module (the WebSocket gateway, docs/realtime.md): the composition
// root calls make_fanout() and make_module() and nothing else.
//
// Two steps, because the gateway and deliveries need each other: deliveries tells the fan-out
// every accepted position and offer (LiveFeed), and the gateway asks deliveries who may watch a
// driver (DeliveryInterface). The fan-out is made first and handed to deliveries; the module,
// made last, serves the WebSocket route over it.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/live_feed.hpp"
#include "shared/interfaces/order_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo {
class AccessTokenVerifier;
}

namespace nelo::realtime {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// The hub of this process and, with REDIS_URL set, its link to the other processes' (Redis
// pub/sub on the channel <NELO_REDIS_KEY_PREFIX>:realtime).
class Fanout {
 public:
  virtual ~Fanout() = default;
  virtual LiveFeed& live_feed() = 0;
};

std::shared_ptr<Fanout> make_fanout(boost::asio::any_io_executor executor, const Config& config);

// A null pointer: that module is not served by this process (its channels answer "unavailable";
// without a verifier nobody can authenticate).
struct RealtimeDependencies {
  OrderInterface* orders = nullptr;
  DeliveryInterface* deliveries = nullptr;
  const AccessTokenVerifier* verifier = nullptr;
};

// Reads the NELO_REALTIME_* settings (throws std::invalid_argument on a bad value).
std::unique_ptr<Module> make_module(const ModuleContext& context, std::shared_ptr<Fanout> fanout,
                                    RealtimeDependencies dependencies);

}  // namespace nelo::realtime
