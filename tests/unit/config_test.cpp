#include "core/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace nelo {
namespace {

using Env = std::map<std::string, std::string>;

std::vector<std::string> problems_of(const Env& env) {
  try {
    config_from_environment(&env);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {};
}

bool mentions(const std::vector<std::string>& problems, const std::string& variable) {
  return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.rfind(variable + " ", 0) == 0; });
}

TEST(Config, DefaultsWhenNothingIsSet) {
  Env env;
  auto c = config_from_environment(&env);
  EXPECT_EQ(c.http_port, 8000);
  EXPECT_EQ(c.http_body_limit, 1024u * 1024u);
  EXPECT_EQ(c.event_bus, "inprocess");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_TRUE(c.migrate_on_start);
  EXPECT_TRUE(c.modules.empty());
  EXPECT_TRUE(c.module_enabled("orders"));
}

TEST(Config, ReadsValidValues) {
  Env env{{"NELO_HTTP_PORT", "9090"},
          {"DATABASE_URL", "postgresql://u@localhost/db"},
          {"NELO_DB_POOL_SIZE", "32"},
          {"NELO_LOG_LEVEL", "debug"},
          {"NELO_LOG_FORMAT", "text"},
          {"NELO_MIGRATE_ON_START", "false"},
          {"NELO_MODULES", "Orders, catalog,orders"},
          {"NELO_REMOTE_DELIVERIES_URL", "http://10.0.0.5:8001"},
          {"NELO_DB_ACQUIRE_TIMEOUT_MS", "250"}};
  auto c = config_from_environment(&env);
  EXPECT_EQ(c.http_port, 9090);
  EXPECT_EQ(c.database_url, "postgresql://u@localhost/db");
  EXPECT_EQ(c.db_pool_size, 32u);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "text");
  EXPECT_FALSE(c.migrate_on_start);
  EXPECT_EQ(c.modules, (std::vector<std::string>{"orders", "catalog"}));
  EXPECT_TRUE(c.module_enabled("catalog"));
  EXPECT_FALSE(c.module_enabled("users"));
  EXPECT_EQ(c.remote_urls.at("deliveries"), "http://10.0.0.5:8001");
  EXPECT_EQ(c.db_acquire_timeout.count(), 250);
}

TEST(Config, ReportsEveryBadValueAtOnceWithOneLineEach) {
  Env env{{"NELO_HTTP_PORT", "eighty"},
          {"NELO_DB_POOL_SIZE", "0"},
          {"NELO_LOG_FORMAT", "xml"},
          {"NELO_EVENT_BUS", "kafka"},
          {"DATABASE_URL", "mysql://nope"},
          {"NELO_MODULES", "orders,billing"},
          {"NELO_REMOTE_ORDERS_URL", "ftp://x"},
          {"NELO_MIGRATE_ON_START", "maybe"},
          {"NELO_JWT_KEY_ENCRYPTION_KEY", "abc"}};
  auto problems = problems_of(env);
  ASSERT_EQ(problems.size(), 9u);
  for (const auto* var : {"NELO_HTTP_PORT", "NELO_DB_POOL_SIZE", "NELO_LOG_FORMAT", "NELO_EVENT_BUS", "DATABASE_URL",
                          "NELO_MODULES", "NELO_REMOTE_ORDERS_URL", "NELO_MIGRATE_ON_START",
                          "NELO_JWT_KEY_ENCRYPTION_KEY"}) {
    EXPECT_TRUE(mentions(problems, var)) << var;
  }
}

TEST(Config, RejectsOutOfRangeNumbersAndTrailingGarbage) {
  EXPECT_TRUE(mentions(problems_of({{"NELO_HTTP_PORT", "70000"}}), "NELO_HTTP_PORT"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_HTTP_PORT", "80x"}}), "NELO_HTTP_PORT"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_HTTP_PORT", "-1"}}), "NELO_HTTP_PORT"));
  EXPECT_TRUE(problems_of({{"NELO_HTTP_PORT", "0"}}).empty());
}

TEST(Config, TrustedProxiesAndPipelineDepth) {
  Env ok{{"NELO_TRUSTED_PROXIES", "10.0.0.0/24, 10.1.2.3, ::1"}, {"NELO_DB_PIPELINE_DEPTH", "0"}};
  auto c = config_from_environment(&ok);
  EXPECT_EQ(c.trusted_proxies, "10.0.0.0/24, 10.1.2.3, ::1");
  EXPECT_EQ(c.db_pipeline_depth, 0u);
  Env none;
  EXPECT_EQ(config_from_environment(&none).db_pipeline_depth, 16u);
  EXPECT_TRUE(mentions(problems_of({{"NELO_TRUSTED_PROXIES", "10.0.0.0/24, proxy.internal"}}), "NELO_TRUSTED_PROXIES"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_TRUSTED_PROXIES", "10.0.0.0/8"}}), "NELO_TRUSTED_PROXIES"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_TRUSTED_PROXIES", "172.16.0.0/12, 192.168.0.0/16"}}), "NELO_TRUSTED_PROXIES"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_TRUSTED_PROXIES", "10.0.0.0/33"}}), "NELO_TRUSTED_PROXIES"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_DB_PIPELINE_DEPTH", "257"}}), "NELO_DB_PIPELINE_DEPTH"));
}

TEST(Config, PoolIdleTimeout) {
  Env none;
  EXPECT_EQ(config_from_environment(&none).db_idle_timeout, std::chrono::seconds(300));
  Env never{{"NELO_DB_POOL_IDLE_SECONDS", "0"}};
  EXPECT_EQ(config_from_environment(&never).db_idle_timeout, std::chrono::seconds(0));
  EXPECT_TRUE(mentions(problems_of({{"NELO_DB_POOL_IDLE_SECONDS", "-1"}}), "NELO_DB_POOL_IDLE_SECONDS"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_DB_POOL_IDLE_SECONDS", "soon"}}), "NELO_DB_POOL_IDLE_SECONDS"));
}

TEST(Config, RabbitmqNeedsItsUrl) {
  EXPECT_TRUE(mentions(problems_of({{"NELO_EVENT_BUS", "rabbitmq"}}), "RABBITMQ_URL"));
}

TEST(Config, MessageListsEachProblemOnItsOwnLine) {
  Env env{{"NELO_HTTP_PORT", "x"}, {"NELO_LOG_LEVEL", "loud"}};
  try {
    config_from_environment(&env);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("\n  - NELO_HTTP_PORT"), std::string::npos);
    EXPECT_NE(what.find("\n  - NELO_LOG_LEVEL"), std::string::npos);
  }
}

// ---- limits and protections (issue 15) --------------------------------------------------------

TEST(Config, AdmissionLimits_DerivedWhenUnset_ReadWhenSet) {
  Env none;
  auto c = config_from_environment(&none);
  EXPECT_EQ(c.http_max_in_flight, default_max_in_flight(c.db_pool_size));
  EXPECT_EQ(c.http_max_in_flight, 64u) << "4 per connection of the default pool of 16";
  EXPECT_EQ(c.http_max_connections, default_max_connections(c.db_pool_size));
  EXPECT_GE(c.http_max_connections, 16u);
  EXPECT_LE(c.http_max_connections, 10000u);
  Env pool{{"NELO_DB_POOL_SIZE", "2"}};
  EXPECT_EQ(config_from_environment(&pool).http_max_in_flight, 32u) << "never fewer than 32";
  Env set{{"NELO_HTTP_MAX_CONNECTIONS", "500"}, {"NELO_HTTP_MAX_IN_FLIGHT", "40"}};
  auto s = config_from_environment(&set);
  EXPECT_EQ(s.http_max_connections, 500u);
  EXPECT_EQ(s.http_max_in_flight, 40u);
  EXPECT_TRUE(mentions(problems_of({{"NELO_HTTP_MAX_CONNECTIONS", "0"}}), "NELO_HTTP_MAX_CONNECTIONS"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_HTTP_MAX_IN_FLIGHT", "lots"}}), "NELO_HTTP_MAX_IN_FLIGHT"));
}

TEST(Config, AdminListener_LoopbackByDefault_NeverThePublicPort) {
  Env none;
  auto c = config_from_environment(&none);
  EXPECT_EQ(c.admin_address, "127.0.0.1");
  EXPECT_EQ(c.admin_port, 9464);
  Env set{{"NELO_ADMIN_ADDRESS", "10.0.0.5"}, {"NELO_ADMIN_PORT", "9100"}};
  EXPECT_EQ(config_from_environment(&set).admin_port, 9100);
  EXPECT_TRUE(mentions(problems_of({{"NELO_ADMIN_ADDRESS", "metrics.internal"}}), "NELO_ADMIN_ADDRESS"));
  EXPECT_TRUE(mentions(problems_of({{"NELO_ADMIN_PORT", "8000"}, {"NELO_HTTP_ADDRESS", "127.0.0.1"},
                                    {"NELO_ADMIN_ADDRESS", "127.0.0.1"}}),
                       "NELO_ADMIN_PORT"));
}

// The test fixtures' key is public: a server that accepted it would seal its signing keys with a
// key anyone can read in this repository.
TEST(Config, PublishedOrTrivialKeyEncryptionKey_RefusedOutsideDevelopmentMode) {
  const std::string fixture = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  for (const std::string& key : {fixture, std::string("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"),
                                 std::string("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
                                 std::string(64, 'a'), std::string(64, '0'), std::string(64, 'f')}) {
    EXPECT_TRUE(is_published_or_trivial_key(key)) << key;
    EXPECT_TRUE(mentions(problems_of({{"NELO_JWT_KEY_ENCRYPTION_KEY", key}}), "NELO_JWT_KEY_ENCRYPTION_KEY")) << key;
    Env dev{{"NELO_JWT_KEY_ENCRYPTION_KEY", key}, {"NELO_ENV", "development"}};
    EXPECT_EQ(config_from_environment(&dev).jwt_key_encryption_key, key);
  }
  // Computed, not written down: a literal here would be one more key published in the repository.
  std::mt19937 generator(15);
  std::string random;
  for (int i = 0; i < 64; ++i) random += "0123456789abcdef"[generator() % 16];
  EXPECT_FALSE(is_published_or_trivial_key(random));
  Env prod{{"NELO_JWT_KEY_ENCRYPTION_KEY", random}};
  EXPECT_EQ(config_from_environment(&prod).jwt_key_encryption_key, random);
  EXPECT_TRUE(mentions(problems_of({{"NELO_ENV", "staging"}}), "NELO_ENV"));
  Env none;
  EXPECT_FALSE(config_from_environment(&none).development()) << "production unless said otherwise";
}

TEST(Config, RedisUrl_IsOptional_AndReadWhole) {
  Env none;
  EXPECT_TRUE(config_from_environment(&none).redis_url.empty());
  Env good{{"REDIS_URL", "redis://:pw@127.0.0.1:6380/1"}};
  EXPECT_EQ(config_from_environment(&good).redis_url, "redis://:pw@127.0.0.1:6380/1");
  for (const char* bad : {"http://localhost", "redis://", "redis://localhost:99999", "redis://localhost/db"}) {
    Env env{{"REDIS_URL", bad}};
    EXPECT_TRUE(mentions(problems_of(env), "REDIS_URL")) << bad;
  }
}

TEST(Config, RedisKeyPrefix_DefaultsToNelo_AndRefusesBracesAndSpaces) {
  Env none;
  EXPECT_EQ(config_from_environment(&none).redis_key_prefix, "nelo");
  Env good{{"NELO_REDIS_KEY_PREFIX", "nelo-staging"}};
  EXPECT_EQ(config_from_environment(&good).redis_key_prefix, "nelo-staging");
  for (std::string bad : {std::string("a{b"), std::string("a b"), std::string(65, 'x')}) {
    Env env{{"NELO_REDIS_KEY_PREFIX", bad}};
    EXPECT_TRUE(mentions(problems_of(env), "NELO_REDIS_KEY_PREFIX")) << bad;
  }
}

}  // namespace
}  // namespace nelo
