// Also anchors nelo_shared's precompiled header (reused by every module target) and checks that
// module.hpp stands alone.
#include "shared/module.hpp"

#include "shared/events/schema_templates.hpp"
#include "shared/idempotency/schema_templates.hpp"

namespace nelo {

std::vector<db::MigrationFile> module_schema_templates() {
  std::vector<db::MigrationFile> templates = events::schema_templates();
  for (const auto& t : idempotency::schema_templates()) templates.push_back(t);
  return templates;
}

}  // namespace nelo
