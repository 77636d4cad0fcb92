#include "modules/ai/module.hpp"

namespace nelo::ai {
namespace {

class AiModule final : public Module {
 public:
  std::string name() const override { return "ai"; }
  std::span<const db::MigrationFile> migrations() const override { return ai::migrations(); }
  void register_routes(http::Router&) override {}
  void register_subscriptions(events::EventBus&) override {}
};

}  // namespace

std::unique_ptr<Module> make_module(const ModuleContext&) { return std::make_unique<AiModule>(); }

}  // namespace nelo::ai
