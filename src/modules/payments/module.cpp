#include "modules/payments/module.hpp"

#include "modules/payments/state_machine.hpp"

namespace nelo::payments {
namespace {

class PaymentsModule final : public Module {
 public:
  std::string name() const override { return "payments"; }
  std::span<const db::MigrationFile> migrations() const override { return payments::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<PaymentsModule>(); }

std::string state_machine_diagram(std::string_view format) { return render_state_diagram(format); }

}  // namespace nelo::payments
