#include "app/modules.hpp"

#include <stdexcept>

#include "core/module_list_check.hpp"
#include "core/module_names.hpp"

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
  static const std::vector<std::string> kNames(kModuleNames.begin(), kModuleNames.end());
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
  // users and catalog provide the interfaces orders needs; a module this process does not serve
  // leaves its interface null (orders answers 503 for what needs it, and composes reads without it).
  orders::OrdersDependencies order_dependencies;
  if (context.config.module_enabled("users")) {
    auto users = users::make_module(context);
    order_dependencies.users = &users->user_interface();
    modules.push_back(std::move(users));
  }
  if (context.config.module_enabled("catalog")) {
    auto catalog = catalog::make_module(context);
    order_dependencies.catalog = &catalog->catalog_interface();
    modules.push_back(std::move(catalog));
  }
  add(orders::make_module(context, order_dependencies));
  add(deliveries::make_module(context));
  add(payments::make_module(context));
  add(notifications::make_module(context));
  add(ai::make_module(context));

  // Fail at start-up, not in production weeks later, when the calls above and the list disagree.
  std::vector<std::string> built;
  for (const auto& module : modules) built.push_back(module->name());
  if (auto mismatch = built_modules_mismatch(built, context.config); !mismatch.empty()) {
    throw std::logic_error(mismatch);
  }
  return set;
}

}  // namespace nelo::app
