// The HTTP server in-process on 127.0.0.1 (port 0), with a test router and a stub verifier.

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <thread>

#include "core/errors.hpp"
#include "core/http/server.hpp"
#include "core/json.hpp"
#include "core/metrics/registry.hpp"
#include "core/security/token_verifier.hpp"
#include "core/uuid.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/log_capture.hpp"

namespace nelo::http {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using test::HttpClient;
using test::RawConnection;
// Metrics and the access line are recorded once the response is written, which may be just
// after the client has read it.
using test::eventually_blocking;

class StubVerifier final : public AccessTokenVerifier {
 public:
  Principal verify(std::string_view token) const override {
    if (token == "customer-token") return {"user-customer", {"customer"}, "jti-1", ""};
    if (token == "admin-token") return {"user-admin", {"admin"}, "jti-2", ""};
    throw Unauthorized("The access token is not valid");
  }
};

json::object as_json(const Principal& p) {
  json::array roles;
  for (const auto& r : p.roles) roles.push_back(json::string(r));
  return {{"user_id", p.user_id}, {"roles", std::move(roles)}};
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.address = "127.0.0.1";
    options_.port = 0;
    options_.body_limit = 64 * 1024;
    options_.header_limit = 8 * 1024;
    options_.read_timeout = 500ms;
    options_.idle_timeout = 1000ms;
    options_.write_timeout = 2000ms;
    options_.shutdown_grace = 3000ms;
    add_routes();
  }

  void TearDown() override {
    if (server_ && !stopped_) stop_and_wait(5s);
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
  }

  void start() {
    server_ = std::make_unique<Server>(io_, options_, router_, &verifier_, registry_);
    server_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  // Stops the server and waits for on_stopped; true when it came within `timeout`.
  bool stop_and_wait(std::chrono::milliseconds timeout) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    server_->stop([done] { done->set_value(); });
    stopped_ = true;
    return future.wait_for(timeout) == std::future_status::ready;
  }

  HttpClient client() { return HttpClient("127.0.0.1", server_->port(), 5s); }
  RawConnection raw() { return RawConnection("127.0.0.1", server_->port(), 5s); }

  static json::object problem(const test::HttpResponse& r) {
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    return r.json().as_object();
  }

  void add_routes() {
    auto get = [](std::string path, Policy policy, Handler h) {
      return Route{"GET", std::move(path), std::move(policy), std::move(h), "test", {}, 0};
    };
    router_.add(get("/hello", Policy::public_access(), [](Request&) -> asio::awaitable<Response> {
      co_return Response::json(json::object{{"hello", "world"}});
    }));
    router_.add({"POST", "/echo", Policy::public_access(),
                 [](Request& req) -> asio::awaitable<Response> {
                   co_return Response::json(json::object{{"received", req.json()}});
                 },
                 "test", {}, 0});
    router_.add({"POST", "/small", Policy::public_access(),
                 [](Request& req) -> asio::awaitable<Response> {
                   co_return Response::json(json::object{{"size", req.body.size()}});
                 },
                 "test", {}, 16});
    router_.add({"POST", "/objects", Policy::public_access(),
                 [](Request& req) -> asio::awaitable<Response> {
                   auto body = req.json_object();
                   Validator v;
                   JsonReader r(body, v);
                   r.reject_unknown({"name", "quantity"});
                   auto name = r.required_string("name");
                   auto quantity = r.required_int("quantity");
                   if (quantity && *quantity <= 0) v.add("quantity", "must be positive");
                   v.throw_if_invalid();
                   co_return Response::json(json::object{{"name", *name}, {"quantity", *quantity}}, 201);
                 },
                 "test", {}, 0});
    router_.add(get("/me", Policy::authenticated(), [](Request& req) -> asio::awaitable<Response> {
      co_return Response::json(as_json(req.user()));
    }));
    router_.add({"POST", "/me/notes", Policy::authenticated(),
                 [this](Request& req) -> asio::awaitable<Response> {
                   ++protected_bodies_handled_;
                   co_return Response::json(json::object{{"size", req.body.size()}}, 201);
                 },
                 "test", {}, 0});
    router_.add(get("/admin", Policy::roles({"admin"}), [](Request& req) -> asio::awaitable<Response> {
      co_return Response::json(as_json(req.user()));
    }));
    router_.add(get("/boom", Policy::public_access(), [](Request&) -> asio::awaitable<Response> {
      throw std::runtime_error("connection to db failed: password=hunter2");
      co_return Response{};
    }));
    router_.add(get("/bad-status", Policy::public_access(), [](Request&) -> asio::awaitable<Response> {
      Response r;
      r.status = 101;  // would break the framing if sent
      co_return r;
    }));
    router_.add(get("/slow", Policy::public_access(), [this](Request&) -> asio::awaitable<Response> {
      slow_started_ = true;
      asio::steady_timer timer(co_await asio::this_coro::executor, slow_duration_);
      co_await timer.async_wait(asio::use_awaitable);
      co_return Response::json(json::object{{"slow", true}});
    }));
    router_.add(get("/log", Policy::public_access(), [](Request&) -> asio::awaitable<Response> {
      spdlog::info("handler before await");
      asio::steady_timer timer(co_await asio::this_coro::executor, 5ms);
      co_await timer.async_wait(asio::use_awaitable);
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      spdlog::info("handler after await");
      co_return Response::json(json::object{{"logged", true}});
    }));
    router_.add(get("/query", Policy::public_access(), [](Request& req) -> asio::awaitable<Response> {
      json::object out;
      for (const auto& [k, v] : req.query_params) out[k] = v;
      out["__path"] = req.path;
      out["__remote"] = req.remote_address;
      co_return Response::json(out);
    }));
    router_.add(get("/items/{id}", Policy::public_access(), [](Request& req) -> asio::awaitable<Response> {
      co_return Response::json(json::object{{"id", req.param("id")}, {"route", req.route_template}});
    }));
    router_.add({"DELETE", "/items/{id}", Policy::public_access(),
                 [](Request&) -> asio::awaitable<Response> { co_return Response::no_content(); }, "test", {}, 0});
  }

  ServerOptions options_;
  Router router_;
  StubVerifier verifier_;
  metrics::Registry registry_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::unique_ptr<Server> server_;
  bool stopped_ = false;
  std::atomic<bool> slow_started_{false};
  std::chrono::milliseconds slow_duration_{300};
  std::atomic<int> protected_bodies_handled_{0};
};

// ---- the happy path and keep-alive ------------------------------------------------------

TEST_F(HttpServerTest, AnswersWithJsonFramingAndRequestIdButNoServerHeader) {
  start();
  auto r = client().get("/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (json::value{{"hello", "world"}}));
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
  ASSERT_TRUE(r.header("x-request-id"));
  EXPECT_TRUE(is_uuid(*r.header("x-request-id")));
  EXPECT_FALSE(r.header("server"));
  EXPECT_TRUE(r.header("date"));
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveAcrossRequests) {
  start();
  auto c = client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.get("/hello").status, 200);
  EXPECT_EQ(c.request("POST", "/echo", R"({"n":1})", {{"Content-Type", "application/json"}}).status, 200);
  EXPECT_EQ(c.get("/nope").status, 404);  // errors keep the connection too
  EXPECT_EQ(c.get("/hello").status, 200);
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                        "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto a = conn.read_response();
  auto b = conn.read_response();
  auto c = conn.read_response();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->json().at("id"), "1");
  EXPECT_EQ(b->json().at("id"), "2");
  EXPECT_EQ(c->header("connection"), "close");
  EXPECT_TRUE(conn.wait_closed(2s));
}

TEST_F(HttpServerTest, ClosesWhenTheClientAsksTo) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(conn.wait_closed(2s));
}

TEST_F(HttpServerTest, Http10GetsKeepAliveOnlyWhenItAsks) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "keep-alive");
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.0\r\n\r\n"));
  auto second = conn.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->header("connection"), "close");
  EXPECT_TRUE(conn.wait_closed(2s));
}

TEST_F(HttpServerTest, DecodesPathParametersAndQuery) {
  start();
  auto c = client();
  auto item = c.get("/items/a%20b");
  EXPECT_EQ(item.json().at("id"), "a b");
  EXPECT_EQ(item.json().at("route"), "/items/{id}");
  auto q = c.get("/query?x=a%20b&y=1&empty=&y=2");
  auto body = q.json().as_object();
  EXPECT_EQ(body.at("x"), "a b");
  EXPECT_EQ(body.at("empty"), "");
  EXPECT_EQ(body.at("__path"), "/query");
  EXPECT_EQ(body.at("__remote"), "127.0.0.1");
}

TEST_F(HttpServerTest, AcceptsAbsoluteFormTargets) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET http://localhost/items/7?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json().at("id"), "7");
}

TEST_F(HttpServerTest, AnswersExpect100ContinueBeforeReadingTheBody) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n"));
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (conn.pending().find("100 Continue") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    conn.wait_closed(50ms);
  }
  EXPECT_EQ(conn.pending().rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << conn.pending();
  ASSERT_TRUE(conn.send(R"({"a":1})"));
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json().at("received").at("a"), 1);
}

TEST_F(HttpServerTest, ReadsChunkedBodiesWithinTheLimit) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:42\r\n1\r\n}\r\n0\r\n\r\n"));
  auto r = conn.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->json().at("received").at("a"), 42);
}

TEST_F(HttpServerTest, HeadIsNotSupportedAndGetsNoBody) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(200ms);
  conn.wait_closed(100ms);
  std::string head = conn.pending();
  EXPECT_EQ(head.rfind("HTTP/1.1 405 ", 0), 0u) << head;
  EXPECT_NE(head.find("Allow: GET\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n") << "a HEAD answer carries no body: " << head;
}

// ---- request ids ------------------------------------------------------------------------

TEST_F(HttpServerTest, KeepsAValidClientRequestId) {
  start();
  auto r = client().get("/hello", {{"X-Request-Id", "client-id_1.2-3"}});
  EXPECT_EQ(r.header("x-request-id"), "client-id_1.2-3");
}

TEST_F(HttpServerTest, ReplacesAnUnsafeClientRequestId) {
  start();
  auto c = client();
  for (std::string bad : {std::string("has space"), std::string("quote\"d"), std::string(129, 'a')}) {
    auto r = c.get("/hello", {{"X-Request-Id", bad}});
    ASSERT_TRUE(r.header("x-request-id"));
    EXPECT_TRUE(is_uuid(*r.header("x-request-id"))) << bad;
  }
}

TEST_F(HttpServerTest, EchoesTheRequestIdOnErrorsInHeaderAndBody) {
  start();
  auto r = client().get("/nope", {{"X-Request-Id", "trace-404"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("x-request-id"), "trace-404");
  EXPECT_EQ(problem(r).at("request_id"), "trace-404");
}

TEST_F(HttpServerTest, EveryLogLineWhileServingCarriesTheRequestId) {
  test::LogCapture log;
  start();
  auto r = client().get("/log", {{"X-Request-Id", "log-req-1"}});
  EXPECT_EQ(r.status, 200);
  auto before = log.find({"handler before await"});
  auto after = log.find({"handler after await"});
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(before[0].find("\"request_id\":\"log-req-1\""), std::string::npos) << before[0];
  EXPECT_NE(after[0].find("\"request_id\":\"log-req-1\""), std::string::npos) << after[0];
  ASSERT_TRUE(eventually_blocking([&] { return log.find({"\"msg\":\"access\"", "\"path\":\"/log\""}).size() == 1; }));
  auto access = log.find({"\"msg\":\"access\"", "\"path\":\"/log\""});
  auto line = json::parse(access[0]).as_object();
  EXPECT_EQ(line.at("request_id"), "log-req-1");
  EXPECT_EQ(line.at("method"), "GET");
  EXPECT_EQ(line.at("route"), "/log");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_EQ(line.at("remote"), "127.0.0.1");
  EXPECT_TRUE(line.at("duration_ms").is_number());
}

TEST_F(HttpServerTest, AccessLogNamesTheUser) {
  test::LogCapture log;
  start();
  EXPECT_EQ(client().get("/me", {test::bearer("customer-token")}).status, 200);
  ASSERT_TRUE(eventually_blocking([&] { return log.find({"\"msg\":\"access\"", "\"route\":\"/me\""}).size() == 1; }));
  auto access = log.find({"\"msg\":\"access\"", "\"route\":\"/me\""});
  EXPECT_NE(access[0].find("\"user_id\":\"user-customer\""), std::string::npos) << access[0];
}

// ---- routing and auth ---------------------------------------------------------------------

TEST_F(HttpServerTest, UnknownPathIs404Problem) {
  start();
  auto r = client().get("/nope/x");
  EXPECT_EQ(r.status, 404);
  auto p = problem(r);
  EXPECT_EQ(p.at("type"), "/problems/not-found");
  EXPECT_EQ(p.at("status"), 404);
  EXPECT_EQ(p.at("instance"), "/nope/x");
}

TEST_F(HttpServerTest, TrailingSlashIs404) {
  start();
  EXPECT_EQ(client().get("/hello/").status, 404);
}

TEST_F(HttpServerTest, OtherMethodIs405WithAllow) {
  start();
  auto r = client().request("PUT", "/items/3");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, DELETE");
  EXPECT_EQ(problem(r).at("type"), "/problems/method-not-allowed");
}

TEST_F(HttpServerTest, NoContentHasNoBody) {
  start();
  auto c = client();
  auto r = c.request("DELETE", "/items/3");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(c.get("/hello").status, 200);  // the connection is still in sync
}

TEST_F(HttpServerTest, ProtectedRouteWithoutTokenIs401) {
  start();
  auto r = client().get("/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  EXPECT_EQ(problem(r).at("type"), "/problems/unauthorized");
}

TEST_F(HttpServerTest, BadTokenOrSchemeIs401) {
  start();
  auto c = client();
  auto bad = c.get("/me", {test::bearer("forged")});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.header("www-authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_EQ(problem(bad).at("detail"), "The access token is not valid");
  EXPECT_EQ(c.get("/me", {{"Authorization", "Basic dXNlcjpwYXNz"}}).status, 401);
  EXPECT_EQ(c.get("/me", {{"Authorization", "Bearer"}}).status, 401);
}

TEST_F(HttpServerTest, WithoutAVerifierProtectedRoutesAre401) {
  server_ = std::make_unique<Server>(io_, options_, router_, nullptr, registry_);
  server_->start();
  threads_.emplace_back([this] { io_.run(); });
  EXPECT_EQ(client().get("/me", {test::bearer("customer-token")}).status, 401);
  EXPECT_EQ(client().get("/hello").status, 200);
}

TEST_F(HttpServerTest, WrongRoleIs403) {
  start();
  auto r = client().get("/admin", {test::bearer("customer-token")});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(problem(r).at("type"), "/problems/forbidden");
}

TEST_F(HttpServerTest, HandlerReceivesThePrincipal) {
  start();
  auto c = client();
  auto me = c.get("/me", {test::bearer("customer-token")});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("user_id"), "user-customer");
  auto admin = c.get("/admin", {{"authorization", "bearer admin-token"}});
  EXPECT_EQ(admin.status, 200);
  EXPECT_EQ(admin.json().at("roles").as_array()[0], "admin");
}

// ---- bodies ------------------------------------------------------------------------------------

TEST_F(HttpServerTest, NonJsonBodyIs415BeforeTheHandler) {
  start();
  auto c = client();
  auto plain = c.request("POST", "/echo", "hello", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 415);
  EXPECT_EQ(problem(plain).at("type"), "/problems/unsupported-media-type");
  EXPECT_EQ(c.request("POST", "/echo", "{}").status, 415);  // no Content-Type at all
  EXPECT_EQ(c.request("POST", "/small", "x", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(c.request("POST", "/echo", "{}", {{"Content-Type", "application/json; charset=UTF-8"}}).status, 200);
}

TEST_F(HttpServerTest, EmptyJsonBodyIs400) {
  start();
  auto r = client().request("POST", "/echo", "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400);
}

TEST_F(HttpServerTest, MalformedJsonIs400) {
  start();
  auto r = client().request("POST", "/echo", R"({"a":)", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(problem(r).at("type"), "/problems/bad-request");
}

TEST_F(HttpServerTest, DuplicateJsonKeysAre400) {
  start();
  auto r = client().request("POST", "/echo", R"({"amount":1,"amount":1000})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(std::string(problem(r).at("detail").as_string()).find("duplicate key"), std::string::npos);
}

TEST_F(HttpServerTest, JsonDepthOverTheLimitIs400) {
  start();
  auto c = client();
  auto deep = c.request("POST", "/echo", std::string(33, '[') + std::string(33, ']'),
                        {{"Content-Type", "application/json"}});
  EXPECT_EQ(deep.status, 400);
  auto ok = c.request("POST", "/echo", "{\"a\":" + std::string(31, '[') + std::string(31, ']') + "}",
                      {{"Content-Type", "application/json"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(HttpServerTest, ValidationErrorsAre422WithFieldErrors) {
  start();
  auto r = client().post_json("/objects", json::object{{"quantity", 0}, {"colour", "red"}});
  EXPECT_EQ(r.status, 422);
  auto p = problem(r);
  EXPECT_EQ(p.at("type"), "/problems/validation-error");
  auto& errors = p.at("errors").as_array();
  ASSERT_EQ(errors.size(), 3u) << r.body;
  EXPECT_EQ(errors[0].at("field"), "colour");
  EXPECT_EQ(errors[1].at("field"), "name");
  EXPECT_EQ(errors[1].at("message"), "is required");
  EXPECT_EQ(errors[2].at("field"), "quantity");
  auto created = client().post_json("/objects", json::object{{"name", "x"}, {"quantity", 2}});
  EXPECT_EQ(created.status, 201);
}

TEST_F(HttpServerTest, ThrowingHandlerIs500WithoutInternals) {
  test::LogCapture log;
  start();
  auto r = client().get("/boom", {{"X-Request-Id", "boom-1"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(r.body.find("runtime_error"), std::string::npos);
  auto p = problem(r);
  EXPECT_EQ(p.at("type"), "/problems/internal-error");
  EXPECT_EQ(p.at("request_id"), "boom-1");
  auto logged = log.find({"\"level\":\"error\"", "hunter2", "\"request_id\":\"boom-1\""});
  EXPECT_EQ(logged.size(), 1u);
}

TEST_F(HttpServerTest, HandlerStatusOutsideTheFinalRangeIs500) {
  test::LogCapture log;
  start();
  auto c = client();
  EXPECT_EQ(c.get("/bad-status").status, 500);
  EXPECT_EQ(log.find({"returned status 101"}).size(), 1u);
  EXPECT_EQ(c.get("/hello").status, 200);
}

// ---- limits and timeouts ---------------------------------------------------------------------

TEST_F(HttpServerTest, OversizedContentLengthIs413BeforeTheBodyIsSent) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 10485760\r\n\r\n"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r) << "no answer before the body: " << conn.pending();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(problem(*r).at("type"), "/problems/payload-too-large");
  EXPECT_TRUE(conn.wait_closed(3s));
}

TEST_F(HttpServerTest, RouteBodyLimitOverridesTheServerDefault) {
  start();
  auto c = client();
  EXPECT_EQ(c.request("POST", "/small", std::string(16, 'x'), {{"Content-Type", "application/json"}}).status, 200);
  auto r = c.request("POST", "/small", std::string(17, 'x'), {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("connection"), "close");
}

TEST_F(HttpServerTest, ChunkedBodyGrowingPastTheLimitIs413) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "4000\r\n" + std::string(0x4000, 'a') + "\r\n";  // 16 KiB per chunk, limit is 64 KiB
  for (int i = 0; i < 8; ++i) {
    if (!conn.send(chunk)) break;  // the server may already have answered and closed
  }
  auto r = conn.read_response(3s);
  ASSERT_TRUE(r) << conn.pending().substr(0, 200);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10 * 1024, 'b') + "\r\n\r\n"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(r->header("x-request-id"));
  EXPECT_EQ(r->header("connection"), "close");
}

TEST_F(HttpServerTest, SlowClientGets408AndIsDisconnected) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.1\r\nHost: x\r\n"));  // and never the blank line
  auto started = std::chrono::steady_clock::now();
  auto r = conn.read_response(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(problem(*r).at("type"), "/problems/request-timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 400ms);
  EXPECT_TRUE(conn.wait_closed(3s));
}

TEST_F(HttpServerTest, SlowBodyGets408) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"));
  auto r = conn.read_response(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedQuietly) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.read_response());
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(conn.wait_closed(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 800ms);  // idle_timeout, not read_timeout
  EXPECT_TRUE(conn.pending().empty()) << "an idle close sends nothing: " << conn.pending();
}

TEST_F(HttpServerTest, GarbageIs400) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(conn.wait_closed(3s));
}

TEST_F(HttpServerTest, InvalidTargetIs400) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /bad%zzpath HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

// ---- the body is not read before the route's policy accepts the caller (issue 15) -----------

// Before: the whole body was buffered (up to the limit) and only then was the token checked, so
// an anonymous client could make the server read 1 MiB per request. The request below never
// sends its body: answered before it, the status is 401; waiting for it, it was a 408.
TEST_F(HttpServerTest, ProtectedRouteRefusesAMissingTokenBeforeReadingTheBody) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("POST /me/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 60000\r\n\r\n{\"partial\":"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r) << "no answer before the body: " << conn.pending();
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->header("www-authenticate"), "Bearer");
  EXPECT_EQ(r->header("connection"), "close") << "body bytes remain unread: the connection cannot be reused";
  EXPECT_EQ(problem(*r).at("type"), "/problems/unauthorized");
  EXPECT_TRUE(conn.wait_closed(3s));
  EXPECT_EQ(protected_bodies_handled_, 0);
}

TEST_F(HttpServerTest, ProtectedRouteRefusesABadTokenOrRoleBeforeReadingTheBody) {
  start();
  for (const char* authorization : {"Bearer forged", "Basic dXNlcjpwYXNz"}) {
    auto conn = raw();
    ASSERT_TRUE(conn.send(std::string("POST /me/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n") +
                          "Authorization: " + authorization + "\r\nContent-Length: 60000\r\n\r\n"));
    auto r = conn.read_response(2s);
    ASSERT_TRUE(r) << authorization;
    EXPECT_EQ(r->status, 401) << authorization;
    EXPECT_TRUE(conn.wait_closed(3s));
  }
  // A route for admins, a customer's token, a body announced: 403 at once.
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /admin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer customer-token\r\n"
                        "Content-Length: 60000\r\n\r\n"));
  auto r = conn.read_response(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(protected_bodies_handled_, 0);
}

TEST_F(HttpServerTest, UnknownRouteOrMethodIsAnsweredBeforeTheBody) {
  start();
  for (const char* line : {"POST /nowhere HTTP/1.1", "PUT /hello HTTP/1.1"}) {
    auto conn = raw();
    ASSERT_TRUE(conn.send(std::string(line) + "\r\nHost: x\r\nContent-Length: 60000\r\n\r\n"));
    auto r = conn.read_response(2s);
    ASSERT_TRUE(r) << line;
    EXPECT_EQ(r->status, std::string(line).rfind("POST", 0) == 0 ? 404 : 405) << line;
    EXPECT_TRUE(conn.wait_closed(3s)) << line;
  }
}

// A refused request whose small body came whole with its header keeps its connection: the body
// is dropped from the buffer, and the next request is read in sync.
TEST_F(HttpServerTest, RefusalWithTheWholeBodyBufferedKeepsTheConnection) {
  start();
  auto c = client();
  auto refused = c.request("POST", "/me/notes", R"({"n":1})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.header("connection"), "close");
  auto ok = c.request("POST", "/me/notes", R"({"n":1})",
                      {{"Content-Type", "application/json"}, test::bearer("customer-token")});
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(c.connections_opened(), 1u);
  EXPECT_EQ(protected_bodies_handled_, 1);
}

// ---- decoded targets are text (issue 15) ---------------------------------------------------------

// Before: %FF reached the handler (and PostgreSQL, which answered an error: a 500).
TEST_F(HttpServerTest, InvalidUtf8InTheDecodedQueryOrPathIs400) {
  start();
  auto c = client();
  for (const char* target : {"/query?q=%FF", "/query?lat=48.85&q=%C3%28", "/query?%FF=1", "/items/%FF",
                             "/items/%ED%A0%80", "/nowhere/%C0%AF"}) {
    auto r = c.get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(problem(r).at("type"), "/problems/bad-request") << target;
  }
  EXPECT_EQ(c.get("/items/%FF").json().at("instance"), "/items/%FF") << "the problem stays UTF-8 JSON";
  EXPECT_EQ(c.get("/query?q=%C3%A9t%C3%A9").json().at("q"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(c.get("/items/%F0%9F%8D%95").json().at("id"), "\xF0\x9F\x8D\x95");
}

// ---- admission control (issue 15) ---------------------------------------------------------------

// Before: every connection was accepted and served, however many were open.
TEST_F(HttpServerTest, ConnectionsPastTheLimitAreAnswered503AndClosed) {
  options_.max_connections = 2;
  start();
  auto first = std::make_unique<RawConnection>("127.0.0.1", server_->port(), 5s);
  auto second = raw();
  for (auto* conn : {first.get(), &second}) {
    ASSERT_TRUE(conn->send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = conn->read_response(2s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  auto third = raw();
  ASSERT_TRUE(third.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto refused = third.read_response(2s);
  ASSERT_TRUE(refused) << third.pending();
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_EQ(refused->header("connection"), "close");
  EXPECT_EQ(problem(*refused).at("type"), "/problems/service-unavailable");
  EXPECT_TRUE(third.wait_closed(3s));
  EXPECT_TRUE(eventually_blocking([&] {
    return registry_.render().find("nelo_http_connections_refused_total{outcome=\"answered\"} 1") != std::string::npos;
  })) << registry_.render();

  first.reset();  // a slot frees: the next connection is served
  EXPECT_TRUE(eventually_blocking([&] {
    RawConnection next("127.0.0.1", server_->port(), 2s);
    if (!next.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) return false;
    auto r = next.read_response(2s);
    return r && r->status == 200;
  }));
}

// Before: every request went to its handler, however many were already being handled.
TEST_F(HttpServerTest, RequestsPastTheInFlightLimitAreAnswered503AtOnce) {
  options_.max_in_flight = 1;
  options_.idle_timeout = 10s;  // the refused client waits for the slow one, then reuses its connection
  slow_duration_ = 1500ms;
  start();
  auto slow = std::async(std::launch::async, [this] { return client().get("/slow").status; });
  ASSERT_TRUE(eventually_blocking([&] { return slow_started_.load(); }));

  auto c = client();
  auto refused = c.get("/hello");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_NE(refused.header("connection"), "close") << "a refusal before the handler keeps the connection";
  EXPECT_EQ(problem(refused).at("type"), "/problems/service-unavailable");
  auto text = registry_.render();
  EXPECT_NE(text.find("nelo_http_requests_refused_total 1"), std::string::npos) << text;

  EXPECT_EQ(slow.get(), 200);
  EXPECT_EQ(c.get("/hello").status, 200) << "the slot is free again";
  EXPECT_EQ(c.connections_opened(), 1u);
}

TEST_F(HttpServerTest, ARefusedOrFailedHandlerReleasesItsSlot) {
  options_.max_in_flight = 1;
  start();
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(c.get("/boom").status, 500);
    EXPECT_EQ(c.get("/me").status, 401);
    EXPECT_EQ(c.get("/hello").status, 200);
  }
}

// ---- metrics -----------------------------------------------------------------------------------

TEST_F(HttpServerTest, RecordsRequestMetricsByRoute) {
  start();
  auto c = client();
  c.get("/items/1");
  c.get("/items/2");
  c.get("/missing");
  c.request("BREW", "/coffee");
  EXPECT_TRUE(eventually_blocking([&] { return registry_.render().find("method=\"OTHER\",status=\"404\"} 1") != std::string::npos; }));
  EXPECT_TRUE(eventually_blocking([&] { return registry_.render().find("nelo_http_requests_in_flight 0") != std::string::npos; }));
  auto text = registry_.render();
  EXPECT_NE(text.find("nelo_http_requests_total{module=\"test\",route=\"/items/{id}\",method=\"GET\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nelo_http_requests_total{module=\"none\",route=\"unmatched\",method=\"GET\",status=\"404\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("nelo_http_request_duration_seconds_count{module=\"test\",route=\"/items/{id}\",method=\"GET\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nelo_http_connections_open 1"), std::string::npos) << text;
  EXPECT_NE(text.find("nelo_http_requests_in_flight 0"), std::string::npos) << text;
}

// ---- graceful stop -------------------------------------------------------------------------------

TEST_F(HttpServerTest, StopWaitsForTheInFlightRequestThenCompletes) {
  slow_duration_ = 400ms;
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!slow_started_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_started_);

  auto done = std::make_shared<std::promise<void>>();
  auto stopped = done->get_future();
  server_->stop([done] { done->set_value(); });
  stopped_ = true;
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout) << "stopped while a request was in flight";

  auto r = conn.read_response(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(stopped.wait_for(2s), std::future_status::ready);
  EXPECT_THROW(RawConnection("127.0.0.1", server_->port(), 1s), std::runtime_error) << "still accepting";
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnectionsAtOnce) {
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(conn.read_response());
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop_and_wait(2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_TRUE(conn.wait_closed(1s));
}

TEST_F(HttpServerTest, StopForceClosesRequestsThatOutliveTheGrace) {
  options_.shutdown_grace = 200ms;
  slow_duration_ = 30s;
  start();
  auto conn = raw();
  ASSERT_TRUE(conn.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!slow_started_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_started_);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop_and_wait(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_TRUE(conn.wait_closed(1s));
}

TEST_F(HttpServerTest, StopWithoutStartCompletesImmediately) {
  server_ = std::make_unique<Server>(io_, options_, router_, &verifier_, registry_);
  threads_.emplace_back([this] { io_.run(); });
  EXPECT_TRUE(stop_and_wait(1s));
}

TEST_F(HttpServerTest, StartFailsClearlyWhenThePortIsTaken) {
  start();
  ServerOptions same = options_;
  same.port = server_->port();
  Server second(io_, same, router_, &verifier_, registry_);
  EXPECT_THROW(second.start(), std::system_error);
}

}  // namespace
}  // namespace nelo::http
