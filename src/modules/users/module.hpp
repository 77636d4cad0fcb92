#pragma once
// Entry point of the users module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "shared/interfaces/user_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::users {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

class UsersModule : public Module {
 public:
  // The in-process UserInterface, for the modules that need users (orders, ...). Lives as long
  // as the module.
  virtual UserInterface& user_interface() = 0;
};

std::unique_ptr<UsersModule> make_module(const ModuleContext& context);

}  // namespace nelo::users
