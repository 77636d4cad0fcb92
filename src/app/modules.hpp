#pragma once
// The one place that knows every module: builds them in dependency order.

#include <memory>
#include <vector>

#include "core/config.hpp"
#include "shared/module.hpp"

namespace nelo::app {

// Every module, in the order their migrations run and their routes are registered.
std::vector<std::unique_ptr<Module>> make_modules(const Config& config);

}  // namespace nelo::app
