#pragma once
// Entry point of the payments module: the composition root calls make_module() and nothing else.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/migration.hpp"
#include "core/db/module_db.hpp"
#include "core/time.hpp"
#include "shared/interfaces/delivery_interface.hpp"
#include "shared/interfaces/payment_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::http {
class Router;
}

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

struct ReconcileOutcome {
  std::string text;  // a summary line, then one line per difference
  bool clean = false;
};

// `nelo payments reconcile`: payments, refunds and the ledger checked against each other, and
// against the sandbox processor's records when they can be read (over HTTP from
// NELO_PAYMENTS_SANDBOX_URL, or from the journal file NELO_PAYMENTS_SANDBOX_JOURNAL).
boost::asio::awaitable<ReconcileOutcome> reconcile(db::ModuleDb& db);

// `nelo sandbox-processor`: the sandbox card processor as a component of its own, on its own
// port: the processor, its journal (its records survive a restart, unsent webhooks included) and
// its webhook sender, with its HTTP API (sandbox/api/sandbox_wire.hpp). start() reads the
// journal back and starts sending; stop() stops sending.
struct SandboxProcessorOptions {
  std::string public_url;  // how browsers reach it (the 3-D Secure page): http://127.0.0.1:9100
  std::string journal;     // its records file; empty: in memory only (lost at exit)
  bool sync = true;        // fdatasync every journal line
  std::string webhook_url;  // nelo's endpoint (.../api/v1/payments/webhooks/sandbox); empty: none sent
  std::vector<std::string> webhook_secrets;
  std::string api_key;  // required of nelo's calls when not empty
  std::chrono::milliseconds slow_delay{3000};  // tok_slow's answer comes this much later
};

class SandboxProcessorService {
 public:
  virtual ~SandboxProcessorService() = default;
  virtual void register_routes(http::Router& router) = 0;
  virtual boost::asio::awaitable<void> start() = 0;
  virtual boost::asio::awaitable<void> stop() = 0;
};

std::unique_ptr<SandboxProcessorService> make_sandbox_processor_service(const Clock& clock,
                                                                        boost::asio::any_io_executor executor,
                                                                        SandboxProcessorOptions options);

}  // namespace nelo::payments
