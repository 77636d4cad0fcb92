#include "app/modules.hpp"

#include "modules/ai/module.hpp"
#include "modules/auth/module.hpp"
#include "modules/catalog/module.hpp"
#include "modules/deliveries/module.hpp"
#include "modules/notifications/module.hpp"
#include "modules/orders/module.hpp"
#include "modules/payments/module.hpp"
#include "modules/users/module.hpp"

namespace nelo::app {

const std::vector<std::string>& all_module_names() {
  static const std::vector<std::string> kNames = {"auth",       "users",    "catalog",       "orders",
                                                  "deliveries", "payments", "notifications", "ai"};
  return kNames;
}

ModuleSet make_modules(const ModuleContext& context) {
  ModuleSet set;
  auto& modules = set.modules;
  auto add = [&](std::unique_ptr<Module> module) {
    if (context.config.module_enabled(module->name())) modules.push_back(std::move(module));
  };
  if (context.config.module_enabled("auth")) {
    auto auth = auth::make_module(context);
    set.auth = auth.get();
    set.verifier = &auth->token_verifier();
    modules.push_back(std::move(auth));
  }
  // users provides UserInterface to the modules that follow (orders, deliveries, ...).
  add(users::make_module(context));
  add(catalog::make_module(context));
  add(orders::make_module(context));
  add(deliveries::make_module(context));
  add(payments::make_module(context));
  add(notifications::make_module(context));
  add(ai::make_module(context));
  return set;
}

}  // namespace nelo::app
