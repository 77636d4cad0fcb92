#pragma once
// The one list of Nelo's modules, in the order their migrations run and their routes are
// registered. Everything else reads it: CMake (cmake/modules.cmake) builds a nelo_<name> target
// per name and links them into the executable and the tests; config checks NELO_MODULES and
// NELO_REMOTE_<MODULE>_URL against it; app/modules.cpp refuses to start unless it built exactly
// these; the architecture tests scan each listed module. A module added here is built, enabled
// and checked the day it is added. Only names: core knows no module's code.
//
// A name is the module's folder, C++ namespace, PostgreSQL schema and role suffix (nelo_<name>):
// a plain identifier [a-z][a-z0-9_]*. Keep the list below as quoted names and commas only:
// cmake/modules.cmake reads it with a regular expression and stops on anything else.

#include <algorithm>
#include <array>
#include <string_view>

namespace nelo {

inline constexpr auto kModuleNames = std::to_array<std::string_view>({
    "auth", "users", "catalog", "orders", "deliveries", "payments", "notifications", "realtime", "ai",
});

constexpr bool is_module_name(std::string_view name) {
  return std::find(kModuleNames.begin(), kModuleNames.end(), name) != kModuleNames.end();
}

}  // namespace nelo
