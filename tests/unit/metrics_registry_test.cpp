#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <stdexcept>
#include <thread>

#include "core/http/http_metrics.hpp"
#include "core/metrics/registry.hpp"
#include "support/run_async.hpp"

namespace nelo::metrics {
namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(Metrics, CounterRendersHelpTypeAndLabels) {
  Registry r;
  auto& family = r.counter("nelo_things_total", "Things done", {"module", "kind"});
  family.with({"orders", "a"}).inc();
  family.with({"orders", "a"}).inc(2);
  family.with({"users", "b"}).inc();
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP nelo_things_total Things done\n# TYPE nelo_things_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_things_total{module=\"orders\",kind=\"a\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_things_total{module=\"users\",kind=\"b\"} 1\n")) << text;
}

TEST(Metrics, UnlabelledMetricHasNoBraces) {
  Registry r;
  r.gauge("nelo_up", "Up").with({}).set(1);
  EXPECT_TRUE(contains(r.render(), "\nnelo_up 1\n"));
}

TEST(Metrics, CountersIgnoreNegativeIncrements) {
  Counter c;
  c.inc(2);
  c.inc(-5);
  EXPECT_DOUBLE_EQ(c.value(), 2);
}

TEST(Metrics, GaugesGoUpAndDown) {
  Gauge g;
  g.inc();
  g.inc(4);
  g.dec(2);
  EXPECT_DOUBLE_EQ(g.value(), 3);
  g.set(-1.5);
  EXPECT_DOUBLE_EQ(g.value(), -1.5);
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.counter("nelo_escape_total", "Line one\nback\\slash", {"v"}).with({"a\"b\\c\nd"}).inc();
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP nelo_escape_total Line one\\nback\\\\slash\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_escape_total{v=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto& h = r.histogram("nelo_latency_seconds", "Latency", {"route"}, {0.005, 0.1, 1}).with({"/a"});
  h.observe(0.001);
  h.observe(0.005);  // le is inclusive
  h.observe(0.05);
  h.observe(3);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE nelo_latency_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_sum{route=\"/a\"} 3.056\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_latency_seconds_count{route=\"/a\"} 4\n")) << text;
  auto snap = h.snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{2, 3, 3, 4}));
}

TEST(Metrics, BoundsRenderInPlainDecimal) {
  Registry r;
  r.histogram("nelo_small_seconds", "s", {}, {0.0005, 2.5, 10}).with({}).observe(0.0001);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "nelo_small_seconds_bucket{le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_small_seconds_bucket{le=\"2.5\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_small_seconds_bucket{le=\"10\"} 1\n")) << text;
}

TEST(Metrics, HistogramRejectsUnsortedBounds) {
  Registry r;
  EXPECT_THROW(r.histogram("nelo_bad", "x", {}, {1, 0.5}), std::invalid_argument);
  EXPECT_THROW(r.histogram("nelo_bad2", "x", {}, {1, 1}), std::invalid_argument);
}

TEST(Metrics, WrongNumberOfLabelValuesThrows) {
  Registry r;
  auto& f = r.counter("nelo_x_total", "x", {"a", "b"});
  EXPECT_THROW(f.with({"only-one"}), std::invalid_argument);
}

TEST(Metrics, SameFamilyIsReturnedAndConflictsAreRejected) {
  Registry r;
  auto& a = r.counter("nelo_same_total", "x", {"a"});
  auto& b = r.counter("nelo_same_total", "x", {"a"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.counter("nelo_same_total", "x", {"other"}), std::invalid_argument);
  EXPECT_THROW(r.gauge("nelo_same_total", "x", {"a"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("nelo_same_total", "x", {"a"}, {1}), std::invalid_argument);
}

TEST(Metrics, InvalidNamesAreRejected) {
  Registry r;
  EXPECT_THROW(r.counter("1abc", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("a-b", "x"), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "x", {"bad-label"}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok2", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("ok3", "x", {"le"}, {1}), std::invalid_argument);
}

TEST(Metrics, FamiliesRenderInNameOrder) {
  Registry r;
  r.gauge("nelo_b", "b").with({}).set(1);
  r.counter("nelo_a_total", "a").with({}).inc();
  auto text = r.render();
  EXPECT_LT(text.find("nelo_a_total"), text.find("nelo_b"));
}

TEST(Metrics, ClearDropsChildren) {
  Registry r;
  auto& f = r.gauge("nelo_g", "g", {"k"});
  f.with({"x"}).set(1);
  f.clear();
  EXPECT_FALSE(contains(r.render(), "nelo_g{"));
}

TEST(Metrics, ScrapeRunsCollectorsAndSkipsFailingOnes) {
  Registry r;
  auto& g = r.gauge("nelo_collected", "c").with({});
  r.add_collector([]() -> boost::asio::awaitable<void> {
    throw std::runtime_error("collector broke");
    co_return;
  });
  r.add_collector([&g]() -> boost::asio::awaitable<void> {
    g.set(7);
    co_return;
  });
  boost::asio::io_context io;
  auto text = test::run_async(io, r.scrape());
  EXPECT_TRUE(contains(text, "nelo_collected 7\n")) << text;
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.counter("nelo_race_total", "r").with({});
  auto& h = r.histogram("nelo_race_seconds", "r", {}, {1}).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.value(), 40000);
  EXPECT_EQ(h.snapshot().count, 40000u);
  EXPECT_DOUBLE_EQ(h.snapshot().sum, 20000);
}

TEST(Metrics, LatencyBucketsSpanHalfAMillisecondToTenSeconds) {
  auto b = latency_buckets();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 10);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

// ---- the server's metrics -----------------------------------------------------------------

http::Route test_route(std::string method, std::string path, std::string module) {
  return http::Route{std::move(method), std::move(path), http::Policy::public_access(),
                     [](http::Request&) -> boost::asio::awaitable<http::Response> { co_return http::Response{}; },
                     std::move(module), {}, 0};
}

TEST(HttpMetrics, LabelsMatchedRequestsByRouteTemplateAndModule) {
  Registry r;
  http::Router router;
  router.add(test_route("GET", "/api/v1/orders/{id}", "orders"));
  http::HttpMetrics m(r, router);
  auto match = router.match("GET", "/api/v1/orders/42");
  m.record(match.route, "GET", 200, 0.002);
  m.record(match.route, "GET", 200, 0.002);
  m.record(match.route, "GET", 404, 0.001);
  m.record(match.route, "GET", 599, 0.001);  // outside the cached set of statuses
  auto text = r.render();
  EXPECT_TRUE(contains(
      text, "nelo_http_requests_total{module=\"orders\",route=\"/api/v1/orders/{id}\",method=\"GET\",status=\"200\"} 2\n"))
      << text;
  EXPECT_TRUE(contains(text, "status=\"404\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "status=\"599\"} 1\n")) << text;
  EXPECT_TRUE(contains(
      text,
      "nelo_http_request_duration_seconds_count{module=\"orders\",route=\"/api/v1/orders/{id}\",method=\"GET\"} 4\n"))
      << text;
}

TEST(HttpMetrics, UnmatchedRequestsShareOneSeriesAndUnknownMethodsCollapse) {
  Registry r;
  http::Router router;
  http::HttpMetrics m(r, router);
  m.record(nullptr, "GET", 404, 0.001);
  m.record(nullptr, "BREW", 404, 0.001);
  m.record(nullptr, "X-SCAN-1", 404, 0.001);
  auto text = r.render();
  EXPECT_TRUE(contains(
      text, "nelo_http_requests_total{module=\"none\",route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"))
      << text;
  EXPECT_TRUE(contains(
      text, "nelo_http_requests_total{module=\"none\",route=\"unmatched\",method=\"OTHER\",status=\"404\"} 2\n"))
      << text;
  EXPECT_FALSE(contains(text, "BREW"));
}

TEST(HttpMetrics, ExposesInFlightAndConnectionGauges) {
  Registry r;
  http::Router router;
  http::HttpMetrics m(r, router);
  m.in_flight().inc();
  m.connections_open().inc(2);
  auto text = r.render();
  EXPECT_TRUE(contains(text, "nelo_http_requests_in_flight 1\n")) << text;
  EXPECT_TRUE(contains(text, "nelo_http_connections_open 2\n")) << text;
}

}  // namespace
}  // namespace nelo::metrics
