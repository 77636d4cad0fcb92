#include "app/modules.hpp"

#include <optional>
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
#include "modules/realtime/module.hpp"
#include "modules/users/module.hpp"

namespace nelo::app {

const std::vector<std::string>& all_module_names() {
  static const std::vector<std::string> kNames(kModuleNames.begin(), kModuleNames.end());
  return kNames;
}

ModuleSet make_modules(const Platform& platform) {
  ModuleSet set;
  auto& modules = set.modules;
  const auto enabled = [&](const std::string& name) { return platform.config.module_enabled(name); };
  // A module's context: the shared infrastructure and a database handle bound to the module's name
  // (and so its role nelo_<module>), which the module cannot change. This is the seam where phase 2
  // gives an extracted module its own DATABASE_URL_<MODULE>: bind its handle to a pool of its own
  // here, and nothing in the module changes.
  const auto context_for = [&](std::string name) {
    set.databases.push_back(std::make_unique<db::ModuleDb>(platform.pool, std::move(name)));
    return ModuleContext{*set.databases.back(), platform.bus,    platform.config,
                         platform.clock,         platform.metrics, platform.executor};
  };
  // What notifications asks of the others (who to tell, in which language): filled as they are made.
  notifications::NotificationDependencies notification_dependencies;
  if (enabled("auth")) {
    auto auth = auth::make_module(context_for("auth"));
    set.auth = auth.get();
    notification_dependencies.accounts = &auth->account_interface();
    set.verifier = &auth->token_verifier();
    modules.push_back(std::move(auth));
  }
  // users and catalog provide the interfaces orders needs; a module this process does not serve
  // leaves its interface null (orders answers 503 for what needs it, and composes reads without it).
  orders::OrdersDependencies order_dependencies;
  if (enabled("users")) {
    auto users = users::make_module(context_for("users"));
    order_dependencies.users = &users->user_interface();
    modules.push_back(std::move(users));
  }
  if (enabled("catalog")) {
    auto catalog = catalog::make_module(context_for("catalog"));
    order_dependencies.catalog = &catalog->catalog_interface();
    modules.push_back(std::move(catalog));
  }
  // orders shows an order's delivery and hands card tokens to payments, and payments asks
  // deliveries who collected cash, so deliveries is made first, then payments, then orders; all
  // three keep the list's order in `modules` and `databases` (each handle made in that order, each
  // module given its own).
  std::optional<ModuleContext> orders_context, deliveries_context, payments_context;
  if (enabled("orders")) orders_context.emplace(context_for("orders"));
  if (enabled("deliveries")) deliveries_context.emplace(context_for("deliveries"));
  if (enabled("payments")) payments_context.emplace(context_for("payments"));
  // The real-time fan-out comes first: deliveries tells it every accepted position and offer; the
  // gateway module, made last, asks orders and deliveries who may watch what.
  std::shared_ptr<realtime::Fanout> fanout;
  if (enabled("realtime")) fanout = realtime::make_fanout(platform.executor, platform.config);
  std::unique_ptr<deliveries::DeliveriesModule> delivery_module;
  if (deliveries_context) {
    deliveries::DeliveriesDependencies delivery_dependencies;
    delivery_dependencies.users = order_dependencies.users;
    delivery_dependencies.live_feed = fanout ? &fanout->live_feed() : nullptr;
    delivery_module = deliveries::make_module(*deliveries_context, delivery_dependencies);
    order_dependencies.deliveries = &delivery_module->delivery_interface();
  }
  std::unique_ptr<payments::PaymentsModule> payment_module;
  if (payments_context) {
    payments::PaymentsDependencies payment_dependencies;
    payment_dependencies.deliveries = order_dependencies.deliveries;
    payment_module = payments::make_module(*payments_context, payment_dependencies);
    order_dependencies.payments = &payment_module->payment_interface();
  }
  notification_dependencies.users = order_dependencies.users;
  notification_dependencies.catalog = order_dependencies.catalog;
  OrderInterface* order_interface = nullptr;
  if (orders_context) {
    auto orders_module = orders::make_module(*orders_context, order_dependencies);
    order_interface = &orders_module->order_interface();
    notification_dependencies.orders = order_interface;
    modules.push_back(std::move(orders_module));
  }
  if (delivery_module) modules.push_back(std::move(delivery_module));
  if (payment_module) modules.push_back(std::move(payment_module));
  if (enabled("notifications")) {
    modules.push_back(notifications::make_module(context_for("notifications"), notification_dependencies));
  }
  if (fanout) {
    realtime::RealtimeDependencies realtime_dependencies;
    realtime_dependencies.orders = order_interface;
    realtime_dependencies.deliveries = order_dependencies.deliveries;
    realtime_dependencies.verifier = set.verifier;
    modules.push_back(realtime::make_module(context_for("realtime"), fanout, realtime_dependencies));
  }
  if (enabled("ai")) modules.push_back(ai::make_module(context_for("ai")));
  // Each module was made with the handle made just before it: its role is its own name.
  for (std::size_t i = 0; i < modules.size(); ++i) {
    if (modules[i]->name() != set.databases.at(i)->module()) {
      throw std::logic_error("make_modules: module '" + modules[i]->name() + "' was given the database handle of '" +
                             set.databases.at(i)->module() + "'");
    }
  }
  // Fail at start-up, not in production weeks later, when the calls above and the list disagree.
  std::vector<std::string> built;
  for (const auto& module : modules) built.push_back(module->name());
  if (auto mismatch = built_modules_mismatch(built, platform.config); !mismatch.empty()) {
    throw std::logic_error(mismatch);
  }
  return set;
}

}  // namespace nelo::app
