#pragma once
// Entry point of the payments module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/db/migration.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/payment_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::payments {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// What payments asks of other modules; null when this process does not serve them.
struct PaymentsDependencies {
  DeliveryInterface* deliveries = nullptr;  // who collected a cash payment (the ledger's driver line)
};

class PaymentsModule : public Module {
 public:
  // The in-process PaymentInterface, for orders.
  virtual PaymentInterface& payment_interface() = 0;
};

// Reads the NELO_PAYMENTS_* settings (throws std::invalid_argument on a bad value).
std::unique_ptr<PaymentsModule> make_module(const ModuleContext& context, PaymentsDependencies dependencies = {});

// The payment state machine drawn from the same transition table the services enforce.
// format: "mermaid" (stateDiagram-v2) or "dot" (Graphviz). Throws std::invalid_argument otherwise.
std::string state_machine_diagram(std::string_view format);

}  // namespace nelo::payments
