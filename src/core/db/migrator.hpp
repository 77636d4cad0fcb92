#pragma once
// Applies each module's migrations in order, each file in its own transaction running as the
// module's role, recorded in <schema>.schema_migrations with a SHA-256 checksum. A changed
// applied file stops start-up. An advisory lock serialises concurrent migrators.

#include <boost/asio/awaitable.hpp>

#include <span>
#include <string>
#include <vector>

#include "core/db/migration.hpp"
#include "core/db/pool.hpp"

namespace nelo::db {

struct SchemaMigrations {
  std::string schema;  // == module name; the role is module_role(schema)
  // Applied first, with "{schema}" replaced by the schema name (e.g. the event outbox/inbox tables).
  std::vector<MigrationFile> templates;
  std::span<const MigrationFile> files;
};

struct MigrationReport {
  struct Entry {
    std::string schema;
    std::string name;
    bool applied_now;  // false: was already applied (checksum verified)
  };
  std::vector<Entry> entries;
};

// Thrown when an applied migration's checksum differs from the embedded file, or when a
// prerequisite (PostGIS, role membership) is missing. The message says what to do.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Migrator {
 public:
  explicit Migrator(Pool& pool) : pool_(pool) {}

  // Bootstraps the platform (extension postgis, one NOLOGIN role per schema granted to the
  // connecting user, the schemas owned by their roles), then applies pending files.
  boost::asio::awaitable<MigrationReport> migrate(const std::vector<SchemaMigrations>& schemas);

  // Verifies without applying: throws MigrationError on a changed file, returns false if any is pending.
  boost::asio::awaitable<bool> up_to_date(const std::vector<SchemaMigrations>& schemas);

 private:
  Pool& pool_;
};

}  // namespace nelo::db
