#include "modules/notifications/module.hpp"

namespace nelo::notifications {
namespace {

class NotificationsModule final : public Module {
 public:
  std::string name() const override { return "notifications"; }
  std::span<const db::MigrationFile> migrations() const override { return notifications::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<NotificationsModule>(); }

}  // namespace nelo::notifications
