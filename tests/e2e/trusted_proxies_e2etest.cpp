// Login throttling per client address behind a reverse proxy (NELO_TRUSTED_PROXIES): each client
// behind the proxy is throttled on its own, and nobody escapes the limit by writing the header.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;

std::map<std::string, std::string> server_env(const TestDatabase& db, std::string trusted) {
  return {{"DATABASE_URL", db.conninfo()},
          {"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", "1000"},
          {"NELO_AUTH_MAX_FAILURES_PER_ADDRESS", "3"},
          {"NELO_AUTH_THROTTLE_WINDOW_SECONDS", "60"},
          {"NELO_AUTH_THROTTLE_FIRST_DELAY_SECONDS", "30"},  // no wait ends between two requests
          {"NELO_TRUSTED_PROXIES", std::move(trusted)}};
}

class TrustedProxiesE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new TestDatabase(); }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  // A failed login for a new unknown account (so only the address limit can throttle it), sent
  // with the given X-Forwarded-For header (none when empty).
  static int failed_login(HttpClient& c, const std::string& forwarded_for) {
    static int n = 0;
    json::object body{{"email", "nobody" + std::to_string(++n) + "@example.test"}, {"password", "not the password"}};
    Headers headers;
    if (!forwarded_for.empty()) headers.emplace_back("X-Forwarded-For", forwarded_for);
    return c.post_json("/api/v1/auth/login", body, headers).status;
  }

  static TestDatabase* db_;
};
TestDatabase* TrustedProxiesE2E::db_ = nullptr;

TEST_F(TrustedProxiesE2E, BehindATrustedProxy_EachClientIsThrottledOnItsOwn) {
  NeloProcess server({"serve"}, server_env(*db_, "127.0.0.1/32"));
  server.start();
  HttpClient proxy("127.0.0.1", server.port());  // we are the proxy: our address is trusted
  for (int i = 0; i < 3; ++i) EXPECT_EQ(failed_login(proxy, "198.51.100.1"), 401);
  EXPECT_EQ(failed_login(proxy, "198.51.100.1"), 429) << "the guessing client is throttled";
  EXPECT_EQ(failed_login(proxy, "198.51.100.2"), 401) << "another client behind the same proxy is not";
  // The guessing client writes a header of its own; the proxy appends what it saw: still it.
  EXPECT_EQ(failed_login(proxy, "203.0.113.50, 198.51.100.1"), 429);
}

TEST_F(TrustedProxiesE2E, WithoutTrustedProxies_TheHeaderIsIgnored) {
  NeloProcess server({"serve"}, server_env(*db_, ""));
  server.start();
  HttpClient c("127.0.0.1", server.port());
  // A guesser inventing a new address per attempt is still one address: ours.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(failed_login(c, "198.51.100." + std::to_string(10 + i)), 401);
  EXPECT_EQ(failed_login(c, "198.51.100.99"), 429);
  EXPECT_EQ(failed_login(c, ""), 429);
}

}  // namespace
}  // namespace nelo::test
