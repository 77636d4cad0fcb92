#include "core/config.hpp"

#include "core/env_reader.hpp"

#include <boost/asio/ip/address.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string_view>

#include "core/http/trusted_proxies.hpp"
#include "core/module_names.hpp"
#include "core/redis/redis_url.hpp"


namespace nelo {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  return std::tolower(static_cast<unsigned char>(ch)) - 'a' + 10;
}

// Keys written into this repository (test fixtures, examples): anyone can read them.
constexpr std::array<std::string_view, 2> kPublishedKeys = {
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
};

}  // namespace

std::size_t default_max_connections(std::size_t db_pool_size) {
  rlimit limit{};
  std::size_t descriptors = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) descriptors = limit.rlim_cur;
  else if (limit.rlim_cur == RLIM_INFINITY) descriptors = 1 << 20;
  const std::size_t reserved = db_pool_size + 64;  // database, listeners, logs, files
  const std::size_t available = descriptors > reserved ? descriptors - reserved : 0;
  return std::clamp<std::size_t>(available, 16, 10000);
}

std::size_t default_max_in_flight(std::size_t db_pool_size) { return std::max<std::size_t>(32, 4 * db_pool_size); }

bool is_published_or_trivial_key(const std::string& hex_key) {
  if (hex_key.size() != 64) return false;
  const std::string key = lower(hex_key);
  for (auto published : kPublishedKeys) {
    if (key == published) return true;
  }
  // One byte repeated, or bytes in arithmetic progression (00 01 02..., 10 20 30...).
  std::array<int, 32> bytes{};
  for (std::size_t i = 0; i < 32; ++i) bytes[i] = hex_value(key[2 * i]) * 16 + hex_value(key[2 * i + 1]);
  const int step = (bytes[1] - bytes[0] + 256) % 256;
  for (std::size_t i = 2; i < 32; ++i) {
    if ((bytes[i] - bytes[i - 1] + 256) % 256 != step) return false;
  }
  return true;
}

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error([&] {
        std::string msg = "invalid configuration:";
        for (const auto& p : problems) msg += "\n  - " + p;
        return msg;
      }()),
      problems_(std::move(problems)) {}

bool Config::module_enabled(const std::string& name) const {
  return modules.empty() || std::find(modules.begin(), modules.end(), name) != modules.end();
}

Config config_from_environment(const std::map<std::string, std::string>* env) {
  EnvReader r(env);
  Config c;

  r.string("NELO_HTTP_ADDRESS", c.http_address);
  r.integer("NELO_HTTP_PORT", c.http_port, 0, 65535);
  r.integer("NELO_HTTP_THREADS", c.http_threads, 0, 256);
  r.integer("NELO_HTTP_BODY_LIMIT", c.http_body_limit, 1024, 64LL * 1024 * 1024);
  r.duration("NELO_HTTP_READ_TIMEOUT_MS", c.http_read_timeout, 100, 600000);
  r.duration("NELO_HTTP_IDLE_TIMEOUT_MS", c.http_idle_timeout, 100, 3600000);
  r.duration("NELO_SHUTDOWN_GRACE_MS", c.shutdown_grace, 0, 600000);
  r.choice("NELO_ENV", c.env, {"production", "development"});
  r.string("NELO_TRUSTED_PROXIES", c.trusted_proxies);
  try {
    (void)http::TrustedProxies::parse(c.trusted_proxies);
  } catch (const std::invalid_argument& e) {
    r.problem("NELO_TRUSTED_PROXIES", e.what());
  }

  r.string("DATABASE_URL", c.database_url);
  if (!c.database_url.empty() && c.database_url.rfind("postgres://", 0) != 0 &&
      c.database_url.rfind("postgresql://", 0) != 0 && c.database_url.find('=') == std::string::npos) {
    r.problem("DATABASE_URL", "must be a postgresql:// URL or a libpq key=value string");
  }
  r.integer("NELO_DB_POOL_SIZE", c.db_pool_size, 1, 1000);
  r.duration("NELO_DB_ACQUIRE_TIMEOUT_MS", c.db_acquire_timeout, 1, 600000);
  r.duration("NELO_DB_STATEMENT_TIMEOUT_MS", c.db_statement_timeout, 0, 3600000);
  r.integer("NELO_DB_PIPELINE_DEPTH", c.db_pipeline_depth, 0, 256);
  r.duration("NELO_DB_POOL_IDLE_SECONDS", c.db_idle_timeout, 0, 86400);
  r.boolean("NELO_MIGRATE_ON_START", c.migrate_on_start);

  r.integer("NELO_HTTP_MAX_CONNECTIONS", c.http_max_connections, 1, 1000000);
  r.integer("NELO_HTTP_MAX_IN_FLIGHT", c.http_max_in_flight, 1, 1000000);
  if (c.http_max_connections == 0) c.http_max_connections = default_max_connections(c.db_pool_size);
  if (c.http_max_in_flight == 0) c.http_max_in_flight = default_max_in_flight(c.db_pool_size);
  r.string("NELO_ADMIN_ADDRESS", c.admin_address);
  r.integer("NELO_ADMIN_PORT", c.admin_port, 0, 65535);
  {
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(c.admin_address, ec);
    if (ec) r.problem("NELO_ADMIN_ADDRESS", "must be an IP address (got \"" + c.admin_address + "\")");
  }
  if (c.admin_port != 0 && c.admin_port == c.http_port && c.admin_address == c.http_address) {
    r.problem("NELO_ADMIN_PORT", "must differ from NELO_HTTP_PORT: /metrics is never served on the public listener");
  }

  r.choice("NELO_EVENT_BUS", c.event_bus, {"inprocess", "rabbitmq"});
  r.string("RABBITMQ_URL", c.rabbitmq_url);
  if (c.event_bus == "rabbitmq") {
    if (c.rabbitmq_url.empty()) r.problem("RABBITMQ_URL", "is required when NELO_EVENT_BUS=rabbitmq");
    else r.problem("NELO_EVENT_BUS", "rabbitmq backend is not available in this build yet; use inprocess");
  }
  r.integer("NELO_OUTBOX_MAX_ATTEMPTS", c.outbox_max_attempts, 1, 1000);
  r.duration("NELO_OUTBOX_POLL_INTERVAL_MS", c.outbox_poll_interval, 10, 600000);
  r.duration("NELO_OUTBOX_RETRY_BASE_MS", c.outbox_retry_base, 1, 3600000);
  r.duration("NELO_OUTBOX_LEASE_SECONDS", c.outbox_lease, 1, 3600);
  r.duration("NELO_OUTBOX_RETENTION_HOURS", c.outbox_retention, 1, 24 * 365);
  r.integer("NELO_OUTBOX_BATCH_SIZE", c.outbox_batch_size, 1, 10000);
  r.integer("NELO_OUTBOX_MAX_IN_FLIGHT", c.outbox_max_in_flight, 1, 256);

  if (auto modules = r.get("NELO_MODULES")) {
    std::string item;
    auto flush = [&] {
      auto name = lower(item);
      item.clear();
      name.erase(std::remove_if(name.begin(), name.end(), [](unsigned char ch) { return std::isspace(ch); }),
                 name.end());
      if (name.empty()) return;
      if (!is_module_name(name)) {
        r.problem("NELO_MODULES", "names an unknown module \"" + name + "\"");
      } else if (std::find(c.modules.begin(), c.modules.end(), name) == c.modules.end()) {
        c.modules.push_back(name);
      }
    };
    for (char ch : *modules) {
      if (ch == ',') flush();
      else item += ch;
    }
    flush();
  }
  for (const auto& [name, value] : r.all()) {
    const std::string prefix = "NELO_REMOTE_", suffix = "_URL";
    if (name.size() > prefix.size() + suffix.size() && name.rfind(prefix, 0) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 && !value.empty()) {
      auto module = lower(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
      if (!is_module_name(module)) {
        r.problem(name, "names an unknown module \"" + module + "\"");
      } else if (!is_http_url(value)) {
        r.problem(name, "must be an http:// or https:// URL");
      } else {
        c.remote_urls[module] = value;
      }
    }
  }
  r.string("REDIS_URL", c.redis_url);
  if (!c.redis_url.empty()) {
    try {
      redis::parse_redis_url(c.redis_url);
    } catch (const std::invalid_argument& e) {
      r.problem("REDIS_URL", std::string(e.what()).substr(std::string_view("REDIS_URL: ").size()) +
                                 " (redis://[[user]:password@]host[:port][/db])");
    }
  }
  r.string("NELO_REDIS_KEY_PREFIX", c.redis_key_prefix);
  if (c.redis_key_prefix.empty() || c.redis_key_prefix.size() > 64 ||
      c.redis_key_prefix.find_first_of("{} \t\r\n") != std::string::npos) {
    r.problem("NELO_REDIS_KEY_PREFIX", "must be 1 to 64 characters without braces or spaces");
  }

  r.string("NELO_JWT_ISSUER", c.jwt_issuer);
  r.string("NELO_JWT_AUDIENCE", c.jwt_audience);
  r.duration("NELO_JWT_ACCESS_TTL_SECONDS", c.jwt_access_ttl, 30, 24 * 3600);
  r.string("NELO_JWT_KEY_ENCRYPTION_KEY", c.jwt_key_encryption_key);
  if (!c.jwt_key_encryption_key.empty()) {
    bool hex = c.jwt_key_encryption_key.size() == 64 &&
               std::all_of(c.jwt_key_encryption_key.begin(), c.jwt_key_encryption_key.end(),
                           [](unsigned char ch) { return std::isxdigit(ch); });
    if (!hex) {
      r.problem("NELO_JWT_KEY_ENCRYPTION_KEY", "must be 64 hexadecimal characters (32 bytes)");
    } else if (!c.development() && is_published_or_trivial_key(c.jwt_key_encryption_key)) {
      r.problem("NELO_JWT_KEY_ENCRYPTION_KEY",
                "is a published or trivial key (a test or example key of this repository): generate one with "
                "`openssl rand -hex 32`, or set NELO_ENV=development to run with it anyway");
    }
  }

  r.choice("NELO_LOG_LEVEL", c.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  r.choice("NELO_LOG_FORMAT", c.log_format, {"json", "text"});
  r.string("NELO_DOCS_DIR", c.docs_dir);

  if (!r.problems().empty()) throw ConfigError(r.problems());
  return c;
}

}  // namespace nelo
