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

std::vector<std::unique_ptr<Module>> make_modules(const Config&) {
  std::vector<std::unique_ptr<Module>> modules;
  modules.push_back(auth::make_module());
  modules.push_back(users::make_module());
  modules.push_back(catalog::make_module());
  modules.push_back(orders::make_module());
  modules.push_back(deliveries::make_module());
  modules.push_back(payments::make_module());
  modules.push_back(notifications::make_module());
  modules.push_back(ai::make_module());
  return modules;
}

}  // namespace nelo::app
