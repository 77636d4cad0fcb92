#include "modules/auth/module.hpp"

namespace nelo::auth {
namespace {

class AuthModule final : public Module {
 public:
  std::string name() const override { return "auth"; }
  std::span<const db::MigrationFile> migrations() const override { return auth::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<AuthModule>(); }

}  // namespace nelo::auth
