#include "modules/users/module.hpp"

namespace nelo::users {
namespace {

class UsersModule final : public Module {
 public:
  std::string name() const override { return "users"; }
  std::span<const db::MigrationFile> migrations() const override { return users::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<UsersModule>(); }

}  // namespace nelo::users
