#include "modules/payments/module.hpp"

#include "core/http/router.hpp"
#include "modules/payments/api/v1/webhook_routes.hpp"
#include "modules/payments/payments_settings.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/repositories/payment_repository.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/services/webhook_intake.hpp"
#include "modules/payments/state_machine.hpp"

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
        webhooks_(context.db, context.bus, payments_, context.clock) {
    webhooks_.add_provider(sandbox_);
    webhooks_.add_provider(cash_);
  }

  std::string name() const override { return "payments"; }
  std::span<const db::MigrationFile> migrations() const override { return payments::migrations(); }
  void register_routes(http::Router& router) override { register_webhook_routes(router, webhooks_); }
  void register_subscriptions(events::EventBus&) override {}

 private:
  PaymentsSettings settings_;
  PaymentRepository payments_;
  CashProvider cash_;
  SandboxProcessor sandbox_processor_;
  SandboxProvider sandbox_;
  WebhookIntake webhooks_;
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext& context) {
  return std::make_unique<PaymentsModule>(context, payments_settings_from_environment());
}

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::payments
