// Black-box tests of the platform on the real `nelo` binary and a real PostgreSQL.

#include <gtest/gtest.h>

#include <thread>

#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/problem_checks.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

using namespace std::chrono_literals;

class PlatformE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()}, {"NELO_HTTP_BODY_LIMIT", "65536"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
  }
  HttpClient client() { return HttpClient("127.0.0.1", server_->port()); }

  static TestDatabase* db_;
  static NeloProcess* server_;
};
TestDatabase* PlatformE2E::db_ = nullptr;
NeloProcess* PlatformE2E::server_ = nullptr;

// Platform answers carry a request id, errors included.
void expect_problem_with_request_id(const HttpResponse& r, int status) {
  expect_problem(r, status);
  EXPECT_TRUE(r.header("x-request-id").has_value());
}

TEST_F(PlatformE2E, LiveAndReadyAnswer200) {
  auto c = client();
  auto live = c.get("/health/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.json().at("status").as_string(), "ok");
  auto ready = c.get("/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("migrations").as_string(), "applied");
}

TEST_F(PlatformE2E, UnknownRouteIs404Problem) {
  auto r = client().get("/api/v1/nothing-here");
  expect_problem_with_request_id(r, 404);
  EXPECT_EQ(r.json().at("instance").as_string(), "/api/v1/nothing-here");
}

TEST_F(PlatformE2E, WrongMethodIs405WithAllow) {
  auto r = client().request("DELETE", "/health/live");
  expect_problem_with_request_id(r, 405);
  EXPECT_EQ(r.header("allow").value_or(""), "GET");
}

TEST_F(PlatformE2E, AdminRouteWithoutTokenIs401) {
  auto r = client().get("/api/v1/admin/events/dead");
  expect_problem_with_request_id(r, 401);
  EXPECT_EQ(r.header("www-authenticate").value_or("").rfind("Bearer", 0), 0u);
}

TEST_F(PlatformE2E, OversizeBodyIs413BeforeTheBodyIsSent) {
  RawConnection raw("127.0.0.1", server_->port());
  // Only the headers: the server must answer without waiting for 10 MiB that never come. (A
  // public route that takes a body: a route the request cannot reach is answered 404/405 first.)
  ASSERT_TRUE(raw.send("POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 10485760\r\n\r\n"));
  auto r = raw.read_response(5s);
  ASSERT_TRUE(r.has_value()) << "no response before the body was sent";
  expect_problem_with_request_id(*r, 413);
}

TEST_F(PlatformE2E, MalformedJsonIs400AndNothingIsCreated) {
  auto c = client();
  const Headers json{{"Content-Type", "application/json"}};
  expect_problem_with_request_id(c.request("POST", "/api/v1/auth/register", "{\"email\": ", json), 400);
  expect_problem_with_request_id(
      c.request("POST", "/api/v1/auth/register",
                R"({"email":"dup@nelo.test","email":"x@nelo.test","password":"long enough pw","name":"D"})", json),
      400);
  EXPECT_EQ(db_->value("SELECT count(*) FROM auth.users"), "0");
}

TEST_F(PlatformE2E, WrongContentTypeIs415) {
  auto r = client().request("POST", "/api/v1/auth/register", R"({"email":"a@nelo.test"})",
                            {{"Content-Type", "text/plain"}});
  expect_problem_with_request_id(r, 415);
}

TEST_F(PlatformE2E, MalformedRequestLineIs400) {
  RawConnection raw("127.0.0.1", server_->port());
  ASSERT_TRUE(raw.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = raw.read_response(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
}

TEST_F(PlatformE2E, RequestIdIsEchoedOrGenerated) {
  auto c = client();
  auto mine = c.get("/health/live", {{"X-Request-Id", "trace-abc.123"}});
  EXPECT_EQ(mine.header("x-request-id").value_or(""), "trace-abc.123");
  auto bogus = c.get("/health/live", {{"X-Request-Id", "bad id with spaces"}});
  auto generated = bogus.header("x-request-id").value_or("");
  EXPECT_FALSE(generated.empty());
  EXPECT_NE(generated, "bad id with spaces");
}

TEST_F(PlatformE2E, MetricsExposeRequestsPoolAndOutbox_OnTheAdminListenerOnly) {
  auto c = client();
  c.get("/health/live");
  HttpClient admin("127.0.0.1", server_->admin_port());
  auto r = admin.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.header("content-type").value_or("").find("text/plain"), std::string::npos);
  for (const char* name : {"nelo_http_requests_total{", "nelo_http_request_duration_seconds_bucket{",
                           "nelo_db_pool_connections", "nelo_outbox_pending{", "nelo_outbox_lag_seconds{",
                           "nelo_http_connections_refused_total{", "nelo_http_requests_refused_total"}) {
    EXPECT_NE(r.body.find(name), std::string::npos) << name;
  }
  EXPECT_NE(r.body.find("route=\"/health/live\""), std::string::npos);
}

// Before: /metrics was a public route of the public port (fenced only by the nginx example).
TEST_F(PlatformE2E, PublicPortDoesNotServeMetrics) {
  auto r = client().get("/metrics");
  expect_problem_with_request_id(r, 404);
  auto spec = client().get("/openapi.json");
  EXPECT_FALSE(spec.json().at("paths").as_object().contains("/metrics"));
  HttpClient admin("127.0.0.1", server_->admin_port());
  expect_problem(admin.get("/api/v1/users/me"), 404);  // and the admin port serves nothing else
}

TEST_F(PlatformE2E, OpenApiDocumentAndDocsUi) {
  auto c = client();
  auto spec = c.get("/openapi.json");
  ASSERT_EQ(spec.status, 200);
  auto doc = spec.json().as_object();
  EXPECT_EQ(doc.at("openapi").as_string().subview().substr(0, 3), "3.1");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/health/ready"));
  auto docs = c.get("/docs");
  EXPECT_EQ(docs.status, 200);
  EXPECT_NE(docs.header("content-type").value_or("").find("text/html"), std::string::npos);
}

TEST_F(PlatformE2E, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto c = client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.get("/health/live").status, 200);
  EXPECT_EQ(c.connections_opened(), 1u);
}

// --- lifecycle: each test runs its own server ---

TEST(PlatformLifecycleE2E, SigtermStopsGracefullyWithExitZero) {
  TestDatabase db;
  NeloProcess server({"serve"}, {{"DATABASE_URL", db.conninfo()}});
  server.start();
  EXPECT_EQ(server.stop(), 0) << server.output();
  EXPECT_NE(server.output().find("stopped"), std::string::npos) << server.output();
}

TEST(PlatformLifecycleE2E, ReadinessFollowsTheDatabaseWithoutRestart) {
  PgCluster cluster;
  auto url = cluster.create_database("nelo");
  NeloProcess server({"serve"}, {{"DATABASE_URL", url}, {"NELO_DB_ACQUIRE_TIMEOUT_MS", "500"}});
  server.start();
  HttpClient c("127.0.0.1", server.port());
  ASSERT_EQ(c.get("/health/ready").status, 200);

  cluster.stop();
  auto down = c.get("/health/ready");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.json().at("checks").at("database").as_string(), "unreachable");
  EXPECT_EQ(c.get("/health/live").status, 200) << "liveness must not depend on the database";

  cluster.start();
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    status = c.get("/health/ready").status;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200) << "readiness did not come back after the database restarted";
  EXPECT_EQ(server.stop(), 0);
}

TEST(PlatformLifecycleE2E, MigrateIsIdempotentAndRestartAfterKillServes) {
  TestDatabase db;
  auto [code, out] = run_nelo({"migrate"}, {{"DATABASE_URL", db.conninfo()}});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("applied  auth/"), std::string::npos) << out;
  auto [code2, out2] = run_nelo({"migrate"}, {{"DATABASE_URL", db.conninfo()}});
  ASSERT_EQ(code2, 0) << out2;
  EXPECT_NE(out2.find("0 migration(s) applied"), std::string::npos) << out2;

  NeloProcess first({"serve"}, {{"DATABASE_URL", db.conninfo()}});
  first.start();
  first.kill();
  NeloProcess second({"serve"}, {{"DATABASE_URL", db.conninfo()}});
  second.start();
  EXPECT_EQ(HttpClient("127.0.0.1", second.port()).get("/health/ready").status, 200);
}

TEST(PlatformLifecycleE2E, StartRefusesWhenAnAppliedMigrationChanged) {
  TestDatabase db;
  ASSERT_EQ(run_nelo({"migrate"}, {{"DATABASE_URL", db.conninfo()}}).first, 0);
  db.exec("UPDATE orders.schema_migrations SET checksum = repeat('0', 64) WHERE name = '0001_init.sql'");
  NeloProcess server({"serve"}, {{"DATABASE_URL", db.conninfo()}});
  EXPECT_THROW(server.start(10s), std::runtime_error);
  EXPECT_NE(server.output().find("0001_init.sql"), std::string::npos) << server.output();
}

TEST(PlatformLifecycleE2E, BadConfigurationExitsWithOneLinePerProblem) {
  auto [code, out] = run_nelo({"serve"}, {{"NELO_HTTP_PORT", "http"}, {"NELO_DB_POOL_SIZE", "0"}});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("NELO_HTTP_PORT must be an integer"), std::string::npos) << out;
  EXPECT_NE(out.find("NELO_DB_POOL_SIZE must be between"), std::string::npos) << out;
}

// ---- hostile input, answered by the shared reader (issue 15) ----------------------------------

// Before: 500 (the decoded byte 0xFF reached PostgreSQL, which refused it as text).
TEST_F(PlatformE2E, InvalidUtf8InAQueryIs400NotA500) {
  auto c = client();
  auto r = c.get("/api/v1/catalog/merchants?lat=48.85&lng=2.35&q=%FF");
  expect_problem_with_request_id(r, 400);
  expect_problem_with_request_id(c.get("/api/v1/catalog/merchants/%FF"), 400);
  EXPECT_EQ(c.get("/api/v1/catalog/merchants?lat=48.85&lng=2.35&q=caf%C3%A9").status, 200);
}

// Before: 500 (PostgreSQL text cannot hold U+0000).
TEST_F(PlatformE2E, NulInAJsonStringIs422NamingTheField) {
  auto c = client();
  const std::string login = R"({"email":"nobody@example.com","password":"pass\u0000word"})";
  auto r = c.request("POST", "/api/v1/auth/login", login, {{"Content-Type", "application/json"}});
  expect_problem_with_request_id(r, 422);
  EXPECT_EQ(error_fields(r), std::vector<std::string>{"password"}) << r.body;
  const std::string register_body = R"({"email":"a\u0000@example.com","password":"a long password","name":"N"})";
  auto reg = c.request("POST", "/api/v1/auth/register", register_body, {{"Content-Type", "application/json"}});
  expect_problem_with_request_id(reg, 422);
  EXPECT_EQ(error_fields(reg), std::vector<std::string>{"email"}) << reg.body;
}

// Before: a client without a token could make the server read a 1 MiB body before its 401.
TEST_F(PlatformE2E, ProtectedRouteAnswers401BeforeTheBody) {
  RawConnection raw("127.0.0.1", server_->port(), 5s);
  ASSERT_TRUE(raw.send("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 60000\r\n\r\n{"));
  auto r = raw.read_response(5s);
  ASSERT_TRUE(r.has_value()) << raw.pending();
  EXPECT_EQ(r->status, 401);
  EXPECT_TRUE(raw.wait_closed(5s));
}

// ---- safe defaults (issue 15) ------------------------------------------------------------------

// Before: the server accepted the test fixtures' key-encryption key, published in this repository,
// whatever mode it ran in.
TEST(PlatformSafeDefaults, PublishedKeyEncryptionKeyIsRefusedOutsideDevelopmentMode) {
  TestDatabase db;
  NeloProcess server({"serve"}, {{"DATABASE_URL", db.conninfo()},
                                 {"NELO_JWT_KEY_ENCRYPTION_KEY", kTestKeyEncryptionKey},
                                 {"NELO_ENV", "production"}});
  server.launch();
  EXPECT_NE(server.wait(30s), 0);
  EXPECT_NE(server.output().find("NELO_JWT_KEY_ENCRYPTION_KEY is a published or trivial key"), std::string::npos)
      << server.output();

  NeloProcess dev({"serve"}, {{"DATABASE_URL", db.conninfo()},
                              {"NELO_JWT_KEY_ENCRYPTION_KEY", kTestKeyEncryptionKey},
                              {"NELO_ENV", "development"}});
  EXPECT_NO_THROW(dev.start());
}

}  // namespace
}  // namespace nelo::test
