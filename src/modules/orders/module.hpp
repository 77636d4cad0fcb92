#pragma once
// Entry point of the orders module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/db/migration.hpp"
#include "modules/orders/services/orders_settings.hpp"
#include "shared/interfaces/catalog_interface.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/order_interface.hpp"
#include "shared/interfaces/payment_interface.hpp"
#include "shared/interfaces/user_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::orders {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// What orders asks of other modules. A null pointer means that module is not available to this
// process: creating an order needs users and catalog (503 without them); reading one composes
// whatever parts are available (architecture.md, get_order_with_details).
struct OrdersDependencies {
  UserInterface* users = nullptr;
  CatalogInterface* catalog = nullptr;
  DeliveryInterface* deliveries = nullptr;
  // Takes a card order's token during its placement request; null: a card order waits until the
  // payments module's sweep fails it (the token cannot reach it).
  PaymentInterface* payments = nullptr;
};

class OrdersModule : public Module {
 public:
  // The in-process OrderInterface, for payments, deliveries and notifications.
  virtual OrderInterface& order_interface() = 0;
};

// Reads the NELO_ORDERS_* settings (throws std::invalid_argument on a bad value).
std::unique_ptr<OrdersModule> make_module(const ModuleContext& context, OrdersDependencies dependencies);
// The same with explicit settings instead of the environment (tests, tools).
std::unique_ptr<OrdersModule> make_module(const ModuleContext& context, OrdersDependencies dependencies,
                                          OrdersSettings settings);

// The order state machine drawn from the same transition table the service enforces.
// format: "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws std::invalid_argument otherwise.
std::string state_machine_diagram(std::string_view format);

}  // namespace nelo::orders
