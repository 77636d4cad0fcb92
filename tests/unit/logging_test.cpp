#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <set>
#include <thread>

#include "core/http/log_context.hpp"
#include "core/logging.hpp"
#include "support/log_capture.hpp"

namespace nelo::logging {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::object parse_line(const std::string& line) {
  boost::system::error_code ec;
  auto v = json::parse(line, ec);
  EXPECT_FALSE(ec) << "not JSON: " << line;
  return ec ? json::object{} : v.as_object();
}

TEST(Logging, JsonLinesCarryTimestampLevelAndMessage) {
  test::LogCapture log;
  spdlog::warn("disk {} full", "/var");
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  auto o = parse_line(lines[0]);
  EXPECT_EQ(o.at("level"), "warn");
  EXPECT_EQ(o.at("msg"), "disk /var full");
  std::string ts(o.at("ts").as_string());
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2026-01-01T12:00:00.123Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_FALSE(o.contains("request_id"));
}

TEST(Logging, MessagesAreJsonEscaped) {
  test::LogCapture log;
  spdlog::info("quote \" backslash \\ newline \n tab \t bell \x07 utf8 \xC3\xA9 bad \xC3\x28 end");
  auto o = parse_line(log.lines().at(0));
  EXPECT_EQ(o.at("msg"), "quote \" backslash \\ newline \n tab \t bell \x07 utf8 \xC3\xA9 bad \xEF\xBF\xBD( end");
}

TEST(Logging, AppendJsonEscapedHandlesEveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string out;
    append_json_escaped(out, std::string(1, static_cast<char>(c)));
    auto v = json::parse("\"" + out + "\"");
    EXPECT_EQ(v.as_string(), std::string(1, static_cast<char>(c))) << c;
  }
  std::string out;
  append_json_escaped(out, "\xF0\x9F\x8D\x95 \xF4\x90\x80\x80 \xE0\x80\xAF");  // pizza, > U+10FFFF, overlong
  EXPECT_EQ(json::parse("\"" + out + "\"").as_string(),
            "\xF0\x9F\x8D\x95 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Logging, RequestIdScopeAddsTheIdAndRestoresThePreviousOne) {
  test::LogCapture log;
  std::string outer = "outer-id", inner = "inner-id";
  {
    RequestIdScope a(&outer);
    spdlog::info("one");
    {
      RequestIdScope b(&inner);
      spdlog::info("two");
    }
    spdlog::info("three");
  }
  spdlog::info("four");
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(parse_line(lines[0]).at("request_id"), "outer-id");
  EXPECT_EQ(parse_line(lines[1]).at("request_id"), "inner-id");
  EXPECT_EQ(parse_line(lines[2]).at("request_id"), "outer-id");
  EXPECT_FALSE(parse_line(lines[3]).contains("request_id"));
  EXPECT_EQ(current_request_id(), "");
}

TEST(Logging, AccessLineHasTopLevelFields) {
  test::LogCapture log;
  std::string id = "rid-9";
  RequestIdScope scope(&id);
  ASSERT_TRUE(access_log_enabled());
  log_access({"GET", "/api/v1/orders/{id}", "/api/v1/orders/\"x\"", 200, 1.25, "127.0.0.1", "user-1"});
  log_access({"POST", "unmatched", "/nope", 404, 0.5, "::1", ""});
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  auto o = parse_line(lines[0]);
  EXPECT_EQ(o.at("msg"), "access");
  EXPECT_EQ(o.at("request_id"), "rid-9");
  EXPECT_EQ(o.at("method"), "GET");
  EXPECT_EQ(o.at("route"), "/api/v1/orders/{id}");
  EXPECT_EQ(o.at("path"), "/api/v1/orders/\"x\"");
  EXPECT_EQ(o.at("status"), 200);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").to_number<double>(), 1.25);
  EXPECT_EQ(o.at("remote"), "127.0.0.1");
  EXPECT_EQ(o.at("user_id"), "user-1");
  EXPECT_TRUE(parse_line(lines[1]).at("user_id").is_null());
}

TEST(Logging, AccessLogFollowsTheLevel) {
  test::LogCapture log("json", "warn");
  EXPECT_FALSE(access_log_enabled());
  log_access({"GET", "/a", "/a", 200, 1, "x", ""});
  EXPECT_TRUE(log.lines().empty());
}

TEST(Logging, TextFormat) {
  test::LogCapture log("text");
  std::string id = "rid-1";
  {
    RequestIdScope scope(&id);
    spdlog::error("it broke");
    log_access({"GET", "/a", "/a\n", 500, 2, "127.0.0.1", "u"});
  }
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" error [rid-1] it broke"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("[rid-1] GET /a\\n 500 2.000ms route=/a remote=127.0.0.1 user=u"), std::string::npos)
      << lines[1];
}

TEST(Logging, LoggingAfterShutdownIsHarmless) {
  {
    test::LogCapture log;
    spdlog::info("before");
    shutdown();
    spdlog::info("after shutdown");
    log_access({"GET", "/a", "/a", 200, 1, "x", ""});
    EXPECT_EQ(log.lines().size(), 1u);
  }
}

TEST(Logging, SetupRejectsUnknownLevelAndFormat) {
  EXPECT_THROW(setup("loud", "json"), std::invalid_argument);
  EXPECT_THROW(setup("info", "xml"), std::invalid_argument);
}

// ---- LogContextExecutor ------------------------------------------------------------------

asio::awaitable<void> hop_and_log(int n) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < n; ++i) {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    spdlog::info("step {}", i);
  }
}

TEST(LogContextExecutor, EveryStepOfACoroutineSeesItsOwnRequestIdOnAnyThread) {
  test::LogCapture log;
  asio::io_context io;
  std::vector<std::shared_ptr<http::LogContext>> contexts;
  for (int k = 0; k < 8; ++k) {
    auto ctx = std::make_shared<http::LogContext>();
    ctx->request_id = "req-" + std::to_string(k);
    contexts.push_back(ctx);
    http::LogContextExecutor<asio::strand<asio::io_context::executor_type>> ex(asio::make_strand(io), ctx);
    asio::co_spawn(ex, hop_and_log(20), asio::detached);
  }
  std::thread other([&] { io.run(); });
  io.run();
  other.join();
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 8u * 20u);
  std::map<std::string, int> per_id;
  for (const auto& line : lines) {
    auto o = parse_line(line);
    ASSERT_TRUE(o.contains("request_id")) << line;
    per_id[std::string(o.at("request_id").as_string())]++;
  }
  ASSERT_EQ(per_id.size(), 8u);
  for (const auto& [id, count] : per_id) EXPECT_EQ(count, 20) << id;
  EXPECT_EQ(current_request_id(), "");  // restored after every step
}

TEST(LogContextExecutor, ChangingTheContextIdTakesEffectImmediately) {
  test::LogCapture log;
  asio::io_context io;
  auto ctx = std::make_shared<http::LogContext>();
  http::LogContextExecutor<asio::io_context::executor_type> ex(io.get_executor(), ctx);
  asio::co_spawn(
      ex,
      [ctx]() -> asio::awaitable<void> {
        spdlog::info("before");
        ctx->request_id = "now-set";
        spdlog::info("during");
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        spdlog::info("after hop");
        ctx->request_id.clear();
        spdlog::info("cleared");
      },
      asio::detached);
  io.run();
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(parse_line(lines[0]).contains("request_id"));
  EXPECT_EQ(parse_line(lines[1]).at("request_id"), "now-set");
  EXPECT_EQ(parse_line(lines[2]).at("request_id"), "now-set");
  EXPECT_FALSE(parse_line(lines[3]).contains("request_id"));
}

TEST(LogContextExecutor, WorkOnPlainExecutorsHasNoRequestId) {
  test::LogCapture log;
  asio::io_context io;
  auto ctx = std::make_shared<http::LogContext>();
  ctx->request_id = "scoped";
  http::LogContextExecutor<asio::io_context::executor_type> ex(io.get_executor(), ctx);
  asio::post(ex, [] { spdlog::info("wrapped"); });
  asio::post(io, [] { spdlog::info("plain"); });
  io.run();
  auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(parse_line(lines[0]).at("request_id"), "scoped");
  EXPECT_FALSE(parse_line(lines[1]).contains("request_id"));
}

}  // namespace
}  // namespace nelo::logging
