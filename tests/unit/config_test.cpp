#include "core/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
  Env ok{{"NELO_TRUSTED_PROXIES", "10.0.0.0/8, ::1"}, {"NELO_DB_PIPELINE_DEPTH", "0"}};
  auto c = config_from_environment(&ok);
  EXPECT_EQ(c.trusted_proxies, "10.0.0.0/8, ::1");
  EXPECT_EQ(c.db_pipeline_depth, 0u);
  Env none;
  EXPECT_EQ(config_from_environment(&none).db_pipeline_depth, 16u);
  EXPECT_TRUE(mentions(problems_of({{"NELO_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"}}), "NELO_TRUSTED_PROXIES"));
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

}  // namespace
}  // namespace nelo
