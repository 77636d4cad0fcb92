#include "modules/payments/module.hpp"

#include <spdlog/spdlog.h>

#include "core/http/router.hpp"
#include "modules/payments/api/v1/payment_routes.hpp"
#include "modules/payments/api/v1/webhook_routes.hpp"
#include "modules/payments/payments_settings.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/providers/provider_directory.hpp"
#include "modules/payments/repositories/ledger_report_repository.hpp"
#include "modules/payments/repositories/ledger_repository.hpp"
#include "modules/payments/repositories/payment_read_repository.hpp"
#include "modules/payments/repositories/payment_repository.hpp"
#include "modules/payments/repositories/refund_repository.hpp"
#include "modules/payments/sandbox/api/confirmation_routes.hpp"
#include "modules/payments/sandbox/api/remote_sandbox_provider.hpp"
#include "modules/payments/sandbox/api/webhook_transport.hpp"
#include "modules/payments/sandbox/sandbox_journal.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/sandbox/webhook_sender.hpp"
#include "modules/payments/services/payment_directory.hpp"
#include "modules/payments/services/payment_queries.hpp"
#include "modules/payments/services/payment_refunds.hpp"
#include "modules/payments/services/payment_saga.hpp"
#include "modules/payments/services/webhook_intake.hpp"
#include "modules/payments/state_machine.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/idempotency/module_keys.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

// This server's own address, where the in-process sandbox sends browsers and webhooks.
std::string own_url(const Config& config, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(config.http_port) + std::string(path);
}

// `journal`: where the in-process processor's journal will be once start() opened it, if ever; a
// delivered webhook is marked there, so that a restart sends only the others again.
WebhookSenderOptions sender_options(const Config& config, const PaymentsSettings& settings,
                                    const std::unique_ptr<SandboxJournal>* journal) {
  WebhookSenderOptions options;
  options.on_settled = [journal](const std::string& event_id) {
    if (*journal) (*journal)->event_settled(event_id);
  };
  options.url = settings.sandbox_webhook_url.empty() ? own_url(config, "/api/v1/payments/webhooks/sandbox")
                                                     : settings.sandbox_webhook_url;
  options.secrets = settings.webhook_secrets;
  return options;
}

SagaSettings saga_settings(const PaymentsSettings& s) {
  return SagaSettings{s.commission_bps, s.authorization_timeout, s.action_timeout};
}

class PaymentsModuleImpl final : public PaymentsModule {
 public:
  PaymentsModuleImpl(const ModuleContext& context, PaymentsDependencies dependencies, PaymentsSettings settings)
      : settings_(std::move(settings)),
        executor_(context.executor),
        payments_(context.db, context.executor, &context.metrics),
        sandbox_processor_(context.clock, settings_.sandbox_slow_delay,
                           own_url(context.config, "/api/v1/payments/sandbox/3ds")),
        sandbox_(sandbox_processor_, settings_.webhook_secrets, settings_.webhook_tolerance),
        sender_(sandbox_processor_, context.clock, context.executor, sender_options(context.config, settings_, &sandbox_journal_),
                http_webhook_transport()),
        webhooks_(context.db, context.bus, payments_, context.clock),
        answers_(context.db, context.executor, {.name = "payments.answers"}, &context.metrics),
        saga_(context.db, answers_, context.bus, payments_, ledger_, providers_, saga_settings(settings_),
              context.clock, dependencies.deliveries),
        directory_(payments_, saga_),
        reads_(context.db),
        queries_(reads_),
        refunds_(context.db, context.bus, refund_rows_, ledger_),
        ledger_report_(context.db),
        keys_(context.db, context.clock, context.executor) {
    // The sandbox processor in this process, or `nelo sandbox-processor` over HTTP
    // (NELO_PAYMENTS_SANDBOX_URL): either way the provider named "sandbox".
    if (!settings_.sandbox_url.empty()) {
      remote_sandbox_ = std::make_unique<RemoteSandboxProvider>(settings_.sandbox_url, settings_.sandbox_api_key,
                                                                settings_.webhook_secrets, settings_.webhook_tolerance);
    }
    webhooks_.add_provider(sandbox_provider());
    webhooks_.add_provider(cash_);
    providers_.add(sandbox_provider());
    providers_.add(cash_);
    providers_.choose_card_provider(settings_.card_provider);
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
    register_sandbox_confirmation_routes(router, sandbox_processor_);
    register_payment_routes(router, {queries_, refunds_, ledger_report_, keys_.store()});
  }

  void register_subscriptions(events::EventBus& bus) override {
    subscribe(bus, "order.created", &PaymentSaga::on_order_created);
    subscribe(bus, "order.cancelled", &PaymentSaga::on_order_ended);
    subscribe(bus, "order.rejected", &PaymentSaga::on_order_ended);
    subscribe(bus, "order.delivered", &PaymentSaga::on_order_delivered);
  }

  asio::awaitable<void> start() override {
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
    // With the processor elsewhere, it sends its own webhooks.
    if (!remote_sandbox_) sender_.start();
    sweep_ = PeriodicTask::create(executor_, "payments: authorization sweep", settings_.sweep_interval,
                                  [this]() -> asio::awaitable<void> { co_await saga_.sweep(); });
    sweep_->start();
    co_return;
  }

  asio::awaitable<void> stop() override {
    if (sweep_) co_await sweep_->stop();
    if (!remote_sandbox_) co_await sender_.stop();
    co_await keys_.stop();
  }

  PaymentInterface& payment_interface() override { return directory_; }

 private:
  using Handler = asio::awaitable<void> (PaymentSaga::*)(db::Transaction&, const events::Event&);
  void subscribe(events::EventBus& bus, const char* event_name, Handler handler) {
    bus.subscribe("payments", event_name,
                  [this, handler](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                    co_await (saga_.*handler)(tx, event);
                  });
  }

  PaymentsSettings settings_;
  asio::any_io_executor executor_;
  PaymentRepository payments_;
  LedgerRepository ledger_;
  CashProvider cash_;
  SandboxProcessor sandbox_processor_;
  SandboxProvider sandbox_;
  WebhookSender sender_;
  ProviderDirectory providers_;
  WebhookIntake webhooks_;
  db::GroupCommit answers_;
  PaymentSaga saga_;
  PaymentDirectory directory_;
  std::shared_ptr<PeriodicTask> sweep_;
  std::unique_ptr<RemoteSandboxProvider> remote_sandbox_;
  std::unique_ptr<SandboxJournal> sandbox_journal_;
  PaymentReadRepository reads_;
  PaymentQueries queries_;
  RefundRepository refund_rows_;
  PaymentRefunds refunds_;
  LedgerReportRepository ledger_report_;
  idempotency::ModuleKeys keys_;
};

}  // namespace

std::unique_ptr<PaymentsModule> make_module(const ModuleContext& context, PaymentsDependencies dependencies) {
  return std::make_unique<PaymentsModuleImpl>(context, dependencies, payments_settings_from_environment());
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::payments
