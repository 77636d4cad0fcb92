#pragma once
// Entry point of the deliveries module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/db/migration.hpp"
#include "modules/deliveries/deliveries_settings.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/live_feed.hpp"
#include "shared/interfaces/user_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::deliveries {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// What deliveries asks of other modules. A null pointer means that module is not available to
// this process: a delivery's driver is then shown by id, without a name.
struct DeliveriesDependencies {
  UserInterface* users = nullptr;
  // Told every accepted position and every offer made (the real-time gateway); null: nobody.
  LiveFeed* live_feed = nullptr;
};

class DeliveriesModule : public Module {
 public:
  // The in-process DeliveryInterface, for orders (an order's details show its delivery).
  virtual DeliveryInterface& delivery_interface() = 0;
};

// Reads the NELO_DELIVERIES_* settings (throws std::invalid_argument on a bad value).
std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies = {});
// The same with explicit settings instead of the environment (tests, tools).
std::unique_ptr<DeliveriesModule> make_module(const ModuleContext& context, DeliveriesDependencies dependencies,
                                              DeliveriesSettings settings);

// The delivery state machine drawn from the same transition table the services enforce.
// format: "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws std::invalid_argument otherwise.
std::string state_machine_diagram(std::string_view format);

}  // namespace nelo::deliveries
