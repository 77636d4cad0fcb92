#pragma once
// The idempotency-key table every module schema gets (<schema>.idempotency_keys), as a migration
// template applied like the event tables (shared/events/schema_templates.hpp): "{schema}" is
// replaced by the module's name and the statements run as the module's role, which therefore
// owns the table. Applied templates are never edited: add a new one.

#include <vector>

#include "core/db/migration.hpp"

namespace nelo::idempotency {

std::vector<db::MigrationFile> schema_templates();

}  // namespace nelo::idempotency
