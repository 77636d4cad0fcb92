#include "core/db/migrator.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "core/db/errors.hpp"
#include "core/db/pool_impl.hpp"

namespace nelo::db {

using boost::asio::awaitable;
using detail::Connection;

namespace {

// pg_advisory_lock key shared by every Nelo migrator ("nelo" in ASCII): one runs at a time per database.
constexpr std::int64_t kMigrationLockKey = 0x6e656c6f;
const Params kNoParams;

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(sizeof digest * 2);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

void check_schema_name(const std::string& schema) {
  bool ok = !schema.empty() && schema.size() <= 50 && schema[0] >= 'a' && schema[0] <= 'z' &&
            std::all_of(schema.begin(), schema.end(),
                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (!ok) throw MigrationError("invalid schema name '" + schema + "': use lowercase letters, digits and '_'");
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// One file as it will be applied: exact text and its checksum.
struct Step {
  std::string name;  // as recorded: "0001_init.sql" or "template:outbox.sql"
  std::string sql;
  std::string checksum;
  bool applied = false;
};

struct SchemaPlan {
  std::string schema;
  std::string role;
  std::vector<Step> steps;
};

std::vector<SchemaPlan> plan(const std::vector<SchemaMigrations>& schemas) {
  std::vector<SchemaPlan> plans;
  for (const auto& s : schemas) {
    check_schema_name(s.schema);
    SchemaPlan p{s.schema, module_role(s.schema), {}};
    auto by_name = [](const MigrationFile& a, const MigrationFile& b) { return a.name < b.name; };
    std::vector<MigrationFile> templates(s.templates.begin(), s.templates.end());
    std::sort(templates.begin(), templates.end(), by_name);
    for (const auto& t : templates) {
      std::string sql = replace_all(std::string(t.sql), "{schema}", s.schema);
      p.steps.push_back({"template:" + std::string(t.name), sql, sha256_hex(sql)});
    }
    std::vector<MigrationFile> files(s.files.begin(), s.files.end());
    std::sort(files.begin(), files.end(), by_name);
    for (const auto& f : files) p.steps.push_back({std::string(f.name), std::string(f.sql), sha256_hex(f.sql)});
    plans.push_back(std::move(p));
  }
  return plans;
}

// Marks applied steps; throws MigrationError when an applied file's text has changed.
// Returns false when the schema has no migrations table yet.
awaitable<bool> load_applied(Connection& c, SchemaPlan& p) {
  // Named, not braced in the call: GCC 12 miscompiles initializer lists inside co_await.
  Params table = params("\"" + p.schema + "\".schema_migrations");
  auto exists = co_await c.execute_unnamed("SELECT to_regclass($1) IS NOT NULL", table);
  if (!exists.front().get<bool>(0)) co_return false;
  auto rows = co_await c.execute_unnamed("SELECT name, checksum FROM \"" + p.schema + "\".schema_migrations", kNoParams);
  std::map<std::string, std::string> applied;
  for (auto row : rows) applied.emplace(row.get<std::string>(0), row.get<std::string>(1));
  for (auto& step : p.steps) {
    auto it = applied.find(step.name);
    if (it == applied.end()) continue;
    if (it->second != step.checksum) {
      throw MigrationError("migration " + p.schema + "/" + step.name +
                           " was changed after it was applied (recorded checksum " + it->second +
                           ", file checksum " + step.checksum +
                           "); restore the original file and put the change in a new migration");
    }
    step.applied = true;
    applied.erase(it);
  }
  for (const auto& [name, checksum] : applied) {
    spdlog::warn("migrations: {}/{} is recorded as applied but no longer shipped", p.schema, name);
  }
  co_return true;
}

awaitable<void> ensure_postgis(Connection& c) {
  std::string failure;
  try {
    co_await c.execute_script("CREATE EXTENSION IF NOT EXISTS postgis");
    co_return;
  } catch (const DatabaseError& e) {
    failure = e.what();
  }
  // Creating it needs a superuser; an external database may already have it from an administrator.
  auto r = co_await c.execute_unnamed("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'", kNoParams);
  if (r.front().get<std::int64_t>(0) > 0) co_return;
  auto db = co_await c.execute_unnamed("SELECT current_database()", kNoParams);
  throw MigrationError("the PostGIS extension is missing and this user cannot create it (" + failure +
                       "): an administrator must run `CREATE EXTENSION postgis;` in database \"" +
                       db.front().get<std::string>(0) + "\" first");
}

// Role, membership, schema and its migrations table. Idempotent, and safe against a migrator of
// another database on the same cluster creating the same (cluster-wide) role at the same time.
awaitable<void> bootstrap(Connection& c, const SchemaPlan& p) {
  const std::string role = "\"" + p.role + "\"";
  const std::string schema = "\"" + p.schema + "\"";
  // Three transactions, not one: when another database's migrator creates the same role at the
  // same moment, ours fails on the duplicate and swallows it, but only a new transaction sees the
  // role the other one committed.
  const std::string steps[] = {
      "DO $nelo$ BEGIN"
      "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + p.role + "') THEN"
      "    CREATE ROLE " + role + " NOLOGIN;"
      "  END IF;"
      " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;"
      " END $nelo$",
      // Without membership a non-superuser owner could not SET ROLE to the module role.
      "DO $nelo$ BEGIN"
      "  IF NOT pg_has_role(current_user, '" + p.role + "', 'MEMBER') THEN"
      "    GRANT " + role + " TO CURRENT_USER;"
      "  END IF;"
      " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;"
      " END $nelo$",
      "BEGIN;"
      "CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + role + ";"
      "REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC;"
      "SET LOCAL ROLE " + role + ";"
      "CREATE TABLE IF NOT EXISTS " + schema + ".schema_migrations ("
      "  name text PRIMARY KEY,"
      "  checksum text NOT NULL,"
      "  applied_at timestamptz NOT NULL DEFAULT now());"
      "COMMIT"};
  std::string failure;
  try {
    for (const auto& step : steps) co_await c.execute_script(step);
    co_return;
  } catch (const DatabaseError& e) {
    failure = e.what();
  }
  throw MigrationError("cannot prepare schema " + p.schema + " and role " + p.role + " (" + failure +
                       "): the database user needs CREATEROLE (or an administrator must create the role and "
                       "grant it to this user) and CREATE on the database");
}

awaitable<void> harden_public_schema(Connection& c) {
  // PostgreSQL 15 no longer lets PUBLIC create in schema public, but databases created from an
  // older template still may. Module roles must not. Not fatal if we lack the right to change it.
  co_await c.execute_script(
      "DO $nelo$ BEGIN REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
      " EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'cannot revoke CREATE on schema public'; END $nelo$");
}

awaitable<void> apply(Connection& c, const SchemaPlan& p, const Step& step) {
  // Runs as the module role: everything it creates belongs to that role, and it can reach nothing
  // outside its own schema (and the shared PostGIS types in public).
  co_await c.execute_script("BEGIN; SET LOCAL ROLE \"" + p.role + "\"; SET LOCAL statement_timeout = 0;"
                            " SET LOCAL search_path = \"" + p.schema + "\", public");
  co_await c.execute_script(step.sql);
  Params record = params(step.name, step.checksum);
  co_await c.execute_unnamed("INSERT INTO \"" + p.schema + "\".schema_migrations (name, checksum) VALUES ($1, $2)",
                             record);
  co_await c.execute_script("COMMIT");
  spdlog::info("migrations: applied {}/{}", p.schema, step.name);
}

// On failure the connection is closed, which also drops the session advisory lock and whatever
// transaction was open; it never returns to the pool in an unknown state.
struct CloseUnlessDone {
  Connection& connection;
  bool done = false;
  ~CloseUnlessDone() {
    if (!done) connection.mark_broken();
  }
};

}  // namespace

awaitable<MigrationReport> Migrator::migrate(const std::vector<SchemaMigrations>& schemas) {
  auto plans = plan(schemas);
  auto pooled = co_await detail::pool_impl(pool_).acquire_as_owner();
  Connection& c = pooled->get();
  CloseUnlessDone guard{c};

  co_await c.execute_unnamed("SELECT pg_advisory_lock($1)", params(kMigrationLockKey));
  co_await ensure_postgis(c);
  co_await harden_public_schema(c);
  for (const auto& p : plans) co_await bootstrap(c, p);
  // Every applied file is verified before anything is applied, so a changed file stops the run
  // without leaving it half done.
  for (auto& p : plans) co_await load_applied(c, p);

  MigrationReport report;
  for (const auto& p : plans) {
    for (const auto& step : p.steps) {
      if (!step.applied) {
        try {
          co_await apply(c, p, step);
        } catch (const DatabaseError& e) {
          throw MigrationError("migration " + p.schema + "/" + step.name + " failed: " + e.what());
        }
      }
      report.entries.push_back({p.schema, step.name, !step.applied});
    }
  }
  co_await c.execute_unnamed("SELECT pg_advisory_unlock($1)", params(kMigrationLockKey));
  guard.done = true;
  co_return report;
}

awaitable<bool> Migrator::up_to_date(const std::vector<SchemaMigrations>& schemas) {
  auto plans = plan(schemas);
  auto pooled = co_await detail::pool_impl(pool_).acquire_as_owner();
  Connection& c = pooled->get();
  bool current = true;
  for (auto& p : plans) {
    if (!co_await load_applied(c, p)) {
      current = false;
      continue;
    }
    for (const auto& step : p.steps) current = current && step.applied;
  }
  co_return current;
}

}  // namespace nelo::db
