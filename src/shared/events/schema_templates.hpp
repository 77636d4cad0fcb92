#pragma once
// The event tables every module schema gets (outbox, outbox_deliveries, inbox), as migration
// templates: the migrator applies them before the module's own files, with "{schema}" replaced,
// and records them as "template:<name>". Applied templates are never edited: add a new one.

#include <vector>

#include "core/db/migration.hpp"

namespace nelo::events {

std::vector<db::MigrationFile> schema_templates();

}  // namespace nelo::events
