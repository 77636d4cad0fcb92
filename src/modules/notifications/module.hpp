#pragma once
// Entry point of the notifications module: the composition root calls make_module() and nothing else.

#include <memory>
#include <span>

#include "core/db/migration.hpp"
#include "modules/notifications/notifications_settings.hpp"
#include "modules/notifications/services/recipient_lookup.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::notifications {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

// Reads the NELO_NOTIFICATIONS_* settings (throws std::invalid_argument on a bad value).
// `dependencies`: the interfaces of the modules this process serves (null: not served; the
// notifier then falls back: French, no merchant name, no admins).
std::unique_ptr<Module> make_module(const ModuleContext& context, NotificationDependencies dependencies = {});
// The same with explicit settings instead of the environment (tests, tools).
std::unique_ptr<Module> make_module(const ModuleContext& context, NotificationDependencies dependencies,
                                    NotificationsSettings settings);

}  // namespace nelo::notifications
