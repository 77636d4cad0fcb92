#pragma once
// Configuration from environment variables (12-factor). from_environment() validates every
// value and reports all problems at once, one line per bad variable.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nelo {

struct Config {
  // Deployment
  std::string env = "production";                      // NELO_ENV: production | development

  // HTTP
  std::string http_address = "0.0.0.0";                // NELO_HTTP_ADDRESS
  std::uint16_t http_port = 8000;                      // NELO_HTTP_PORT (0: any free port)
  std::size_t http_threads = 0;                        // NELO_HTTP_THREADS (0: hardware concurrency)
  std::size_t http_body_limit = 1024 * 1024;           // NELO_HTTP_BODY_LIMIT (bytes)
  std::chrono::milliseconds http_read_timeout{15000};  // NELO_HTTP_READ_TIMEOUT_MS
  std::chrono::milliseconds http_idle_timeout{60000};  // NELO_HTTP_IDLE_TIMEOUT_MS
  std::chrono::milliseconds shutdown_grace{10000};     // NELO_SHUTDOWN_GRACE_MS
  std::string trusted_proxies;                         // NELO_TRUSTED_PROXIES (addresses, blocks of <= 256)
  std::size_t http_max_connections = 0;                // NELO_HTTP_MAX_CONNECTIONS (unset: from RLIMIT_NOFILE)
  std::size_t http_max_in_flight = 0;                  // NELO_HTTP_MAX_IN_FLIGHT (unset: from the DB pool)
  std::string admin_address = "127.0.0.1";             // NELO_ADMIN_ADDRESS (/metrics; never public)
  std::uint16_t admin_port = 9464;                     // NELO_ADMIN_PORT (0: any free port)

  // Database
  std::string database_url;                            // DATABASE_URL (required to serve/migrate)
  std::size_t db_pool_size = 16;                       // NELO_DB_POOL_SIZE
  std::chrono::milliseconds db_acquire_timeout{2000};  // NELO_DB_ACQUIRE_TIMEOUT_MS
  std::chrono::milliseconds db_statement_timeout{5000};// NELO_DB_STATEMENT_TIMEOUT_MS
  std::size_t db_pipeline_depth = 16;                  // NELO_DB_PIPELINE_DEPTH
  std::chrono::seconds db_idle_timeout{300};           // NELO_DB_POOL_IDLE_SECONDS (0: never)
  bool migrate_on_start = true;                        // NELO_MIGRATE_ON_START (true|false)

  // Events
  std::string event_bus = "inprocess";                 // NELO_EVENT_BUS: inprocess | rabbitmq
  std::string rabbitmq_url;                            // RABBITMQ_URL (required for rabbitmq)
  int outbox_max_attempts = 10;                        // NELO_OUTBOX_MAX_ATTEMPTS
  std::chrono::milliseconds outbox_poll_interval{500}; // NELO_OUTBOX_POLL_INTERVAL_MS
  std::chrono::milliseconds outbox_retry_base{1000};   // NELO_OUTBOX_RETRY_BASE_MS (doubles per attempt)
  std::chrono::seconds outbox_lease{30};               // NELO_OUTBOX_LEASE_SECONDS
  std::chrono::hours outbox_retention{24 * 7};         // NELO_OUTBOX_RETENTION_HOURS
  int outbox_batch_size = 100;                         // NELO_OUTBOX_BATCH_SIZE: deliveries per lane and claim
  int outbox_max_in_flight = 8;                        // NELO_OUTBOX_MAX_IN_FLIGHT: lanes running at once

  // Modules and their placement (Phase 2)
  std::vector<std::string> modules;                    // NELO_MODULES (empty: all)
  std::map<std::string, std::string> remote_urls;      // NELO_REMOTE_<MODULE>_URL
  std::string redis_url;                               // REDIS_URL (optional)
  std::string redis_key_prefix = "nelo";               // NELO_REDIS_KEY_PREFIX: every key starts with it

  // Security
  std::string jwt_issuer = "nelo";                     // NELO_JWT_ISSUER
  std::string jwt_audience = "nelo-api";               // NELO_JWT_AUDIENCE
  std::chrono::seconds jwt_access_ttl{15 * 60};        // NELO_JWT_ACCESS_TTL_SECONDS
  std::string jwt_key_encryption_key;                  // NELO_JWT_KEY_ENCRYPTION_KEY (hex, 32 bytes)

  // Logs and docs
  std::string log_level = "info";                      // NELO_LOG_LEVEL: trace|debug|info|warn|error|off
  std::string log_format = "json";                     // NELO_LOG_FORMAT: json | text
  std::string docs_dir;                                // NELO_DOCS_DIR (swagger-ui-dist files)

  bool module_enabled(const std::string& name) const;
  bool development() const noexcept { return env == "development"; }
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Reads and validates the environment. `env` overrides getenv (tests). Limits left unset
// (NELO_HTTP_MAX_CONNECTIONS, NELO_HTTP_MAX_IN_FLIGHT) come out derived from the machine and the
// database pool: see default_max_connections() and default_max_in_flight().
Config config_from_environment(const std::map<std::string, std::string>* env = nullptr);

// Open connections the process can hold: the descriptor limit (RLIMIT_NOFILE) less what the
// database pool and the process itself need, at most 10000 and at least 16.
std::size_t default_max_connections(std::size_t db_pool_size);
// Requests handled at once: 4 per database connection (past that, handlers would mostly queue
// for the pool, and their latency grow with no gain in throughput), at least 32.
std::size_t default_max_in_flight(std::size_t db_pool_size);

// True when `hex_key` is a key-encryption key published in this repository (test fixtures,
// examples) or one no random generator produces (one byte repeated, bytes counting up): such a
// key protects nothing, and the server refuses it unless NELO_ENV=development.
bool is_published_or_trivial_key(const std::string& hex_key);

}  // namespace nelo
