#include "modules/payments/module.hpp"

#include <spdlog/spdlog.h>

#include "core/http/router.hpp"
#include "modules/payments/api/v1/payment_routes.hpp"
#include "modules/payments/api/v1/webhook_routes.hpp"
#include "modules/payments/payments_settings.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/repositories/ledger_report_repository.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "modules/payments/repositories/payment_read_repository.hpp"
#include "modules/payments/repositories/payment_repository.hpp"
#include "modules/payments/repositories/refund_repository.hpp"
#include "modules/payments/sandbox/api/remote_sandbox_provider.hpp"
#include "modules/payments/sandbox/sandbox_journal.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/services/payment_queries.hpp"
#include "modules/payments/services/payment_refunds.hpp"
#include "modules/payments/services/webhook_intake.hpp"
#include "modules/payments/state_machine.hpp"
#include "shared/idempotency/module_keys.hpp"

namespace nelo::payments {
namespace {

using namespace std::chrono_literals;

// Where the sandbox sends a customer's browser for 3-D Secure, on this server.
std::string action_base_url(const Config& config) {
  return "http://127.0.0.1:" + std::to_string(config.http_port) + "/api/v1/payments/sandbox/3ds";
}

class PaymentsModule final : public Module {
 public:
  PaymentsModule(const ModuleContext& context, PaymentsSettings settings)
      : settings_(std::move(settings)),
        sandbox_processor_(context.clock, 3000ms, action_base_url(context.config)),
        sandbox_(sandbox_processor_, settings_.webhook_secrets, settings_.webhook_tolerance),
        webhooks_(context.db, context.bus, payments_, context.clock),
        reads_(context.db),
        queries_(reads_),
        refunds_(context.db, context.bus, refund_rows_, ledger_),
        ledger_report_(context.db),
        keys_(context.db, context.clock, context.executor) {
    // The sandbox processor in this process, or `nelo sandbox-processor` over HTTP.
    if (!settings_.sandbox_url.empty()) {
      remote_sandbox_ = std::make_unique<RemoteSandboxProvider>(settings_.sandbox_url, settings_.sandbox_api_key,
                                                                settings_.webhook_secrets, settings_.webhook_tolerance);
    }
    webhooks_.add_provider(sandbox_provider());
    webhooks_.add_provider(cash_);
    refunds_.add_provider(sandbox_provider());
    refunds_.add_provider(cash_);
  }

  PaymentProvider& sandbox_provider() {
    if (remote_sandbox_) return *remote_sandbox_;
    return sandbox_;
  }

  std::string name() const override { return "payments"; }
  std::span<const db::MigrationFile> migrations() const override { return payments::migrations(); }
  void register_routes(http::Router& router) override {
    register_webhook_routes(router, webhooks_);
    register_payment_routes(router, {queries_, refunds_, ledger_report_, keys_.store()});
  }
  void register_subscriptions(events::EventBus&) override {}
  boost::asio::awaitable<void> start() override {
    keys_.start();
    if (settings_.sandbox_url.empty() && !settings_.sandbox_journal.empty()) {
      // The in-process processor's records, read back (its unsent webhooks queued again).
      auto contents = SandboxJournal::read(settings_.sandbox_journal);
      sandbox_journal_ = std::make_unique<SandboxJournal>(settings_.sandbox_journal, contents);
      spdlog::info("payments: sandbox records read back from {}: {} charge(s), {} unsent webhook(s)",
                   settings_.sandbox_journal, contents.charges.size(), contents.unsent.size());
      sandbox_processor_.restore(std::move(contents.charges), std::move(contents.unsent));
      sandbox_processor_.record_with([journal = sandbox_journal_.get()](const SandboxCharge& c, const SandboxEvent* e) {
        journal->charge_changed(c, e);
      });
    }
    co_return;
  }
  boost::asio::awaitable<void> stop() override { co_await keys_.stop(); }

 private:
  PaymentsSettings settings_;
  PaymentRepository payments_;
  CashProvider cash_;
  SandboxProcessor sandbox_processor_;
  SandboxProvider sandbox_;
  std::unique_ptr<RemoteSandboxProvider> remote_sandbox_;
  std::unique_ptr<SandboxJournal> sandbox_journal_;
  WebhookIntake webhooks_;
  PaymentReadRepository reads_;
  PaymentQueries queries_;
  RefundRepository refund_rows_;
  LedgerRepository ledger_;
  PaymentRefunds refunds_;
  LedgerReportRepository ledger_report_;
  idempotency::ModuleKeys keys_;
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext& context) {
  return std::make_unique<PaymentsModule>(context, payments_settings_from_environment());
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::payments
