// The load client of `bench/run realtime`: holds many WebSocket clients on a server (nelo's
// gateway or the bare Beast broadcast server), each subscribed (or simply connected), while
// publishers send position updates over HTTP at a fixed rate; measures the messages delivered per
// second, the latency from an update's recorded_at (set by the publisher, milliseconds) to its
// arrival at each client (p50, p99), and the server's resident memory per connection.
//
//   nelo_bench_realtime_load --port P --clients N [--token T] [--subscribe CHANNEL]
//       --publish-path PATH [--publish-method PUT] [--publisher-tokens FILE | --publishers N] [--rate R]
//       [--warmup S] [--duration S] [--server-pid PID]

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/resource.h>
#include <unistd.h>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace bws = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
using SystemClock = std::chrono::system_clock;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  unsigned short port = 0;
  int clients = 1000;
  std::string token;
  std::string subscribe;
  std::string publish_path = "/publish";
  std::string publish_method = "PUT";
  std::vector<std::string> publisher_tokens;
  int publishers = 1;  // without tokens: how many publishers share the rate (each its own connection)
  double rate = 5;
  int warmup = 3;
  int duration = 10;
  int server_pid = 0;
};

struct Stats {
  std::atomic<bool> measuring{false};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> published{0};
  std::atomic<int> ready{0};
  std::atomic<int> failed{0};
  std::array<std::atomic<std::uint64_t>, 10001> latency_ms{};  // the last bucket: 10 s or more
};

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::now().time_since_epoch()).count();
}

std::string rfc3339_ms(long long ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
  return text;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil): no timegm, no locale.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// "2026-12-07T06:10:00.123Z" -> Unix milliseconds; -1 when not that form. Runs once per message
// received (tens of thousands a second): digits read in place, no allocation, no timegm.
long long parse_rfc3339_ms(std::string_view s) {
  if (s.size() < 23) return -1;
  auto number = [&](std::size_t at, std::size_t digits) -> long long {
    long long v = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const long long year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const long long hour = number(11, 2), minute = number(14, 2), second = number(17, 2), millis = number(20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || minute < 0 || second < 0 || millis < 0) return -1;
  const long long days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + millis;
}

// CPU seconds (user + system) used so far by this process, or by `pid` (from /proc; -1 if gone).
double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double process_cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15: utime, stime (clock ticks)
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long rss_kb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// Every event in a frame carries its data's recorded_at: one latency sample each.
void account(std::string_view frame, Stats& stats) {
  static constexpr std::string_view kKey = R"("recorded_at":")";
  const long long now = now_ms();
  std::size_t at = 0;
  while ((at = frame.find(kKey, at)) != std::string_view::npos) {
    at += kKey.size();
    const long long sent = parse_rfc3339_ms(frame.substr(at, 23));
    if (sent < 0 || !stats.measuring.load(std::memory_order_relaxed)) continue;
    stats.delivered.fetch_add(1, std::memory_order_relaxed);
    const long long latency = std::clamp<long long>(now - sent, 0, 10000);
    stats.latency_ms[static_cast<std::size_t>(latency)].fetch_add(1, std::memory_order_relaxed);
  }
}

asio::awaitable<void> client(const Options& o, Stats& stats, asio::io_context& io) {
  bws::stream<beast::tcp_stream> ws(asio::make_strand(io));
  try {
    beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(60));
    co_await beast::get_lowest_layer(ws).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port),
                                                       asio::use_awaitable);
    const std::string token = o.token;
    ws.set_option(bws::stream_base::decorator([token](bws::request_type& r) {
      if (!token.empty()) r.set(http::field::authorization, "Bearer " + token);
    }));
    co_await ws.async_handshake("127.0.0.1", "/api/v1/realtime", asio::use_awaitable);
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(bws::stream_base::timeout::suggested(beast::role_type::client));
    ws.text(true);
    beast::flat_buffer buffer;
    if (!o.subscribe.empty()) {
      const std::string message = R"({"type":"subscribe","channel":")" + o.subscribe + R"(","id":1})";
      co_await ws.async_write(asio::buffer(message), asio::use_awaitable);
      for (;;) {
        co_await ws.async_read(buffer, asio::use_awaitable);
        const std::string text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        if (text.find("\"subscribed\"") != std::string::npos) break;
        if (text.find("\"error\"") != std::string::npos) throw std::runtime_error("subscribe refused: " + text);
      }
    }
    ++stats.ready;
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buffer, kUseTuple);
      if (ec) break;
      const auto data = buffer.data();
      account(std::string_view(static_cast<const char*>(data.data()), data.size()), stats);
      buffer.consume(buffer.size());
    }
  } catch (const std::exception& e) {
    if (stats.failed++ < 3) std::fprintf(stderr, "client: %s\n", e.what());
  }
}

asio::awaitable<void> publisher(const Options& o, Stats& stats, asio::io_context& io, std::string token, double rate,
                                int index, SteadyClock::time_point end) {
  beast::tcp_stream stream(asio::make_strand(io));
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port), asio::use_awaitable);
  beast::flat_buffer buffer;
  asio::steady_timer timer(stream.get_executor());
  const auto interval = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(1.0 / rate));
  auto next = SteadyClock::now();
  long long last = 0;
  int step = 0;
  while (SteadyClock::now() < end) {
    long long stamp = std::max(now_ms(), last + 1);  // every ping newer than the last
    last = stamp;
    const double lat = 48.85 + 0.0001 * index + 0.00001 * (step++ % 100);
    const std::string body = R"({"lat":)" + std::to_string(lat) + R"(,"lng":2.35,"recorded_at":")" + rfc3339_ms(stamp) +
                             R"("})";
    http::request<http::string_body> request(o.publish_method == "POST" ? http::verb::post : http::verb::put,
                                             o.publish_path, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    request.body() = body;
    request.prepare_payload();
    co_await http::async_write(stream, request, asio::use_awaitable);
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    if (response.result_int() >= 300 && stats.failed++ < 3) {
      std::fprintf(stderr, "publish answered %d: %s\n", response.result_int(), response.body().c_str());
    }
    if (stats.measuring) ++stats.published;
    next += interval;
    timer.expires_at(next);
    co_await timer.async_wait(kUseTuple);
  }
}

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--port") o.port = static_cast<unsigned short>(std::atoi(value.c_str()));
    else if (key == "--clients") o.clients = std::atoi(value.c_str());
    else if (key == "--token") o.token = value;
    else if (key == "--subscribe") o.subscribe = value;
    else if (key == "--publish-path") o.publish_path = value;
    else if (key == "--publish-method") o.publish_method = value;
    else if (key == "--rate") o.rate = std::atof(value.c_str());
    else if (key == "--warmup") o.warmup = std::atoi(value.c_str());
    else if (key == "--duration") o.duration = std::atoi(value.c_str());
    else if (key == "--publishers") o.publishers = std::max(1, std::atoi(value.c_str()));
    else if (key == "--server-pid") o.server_pid = std::atoi(value.c_str());
    else if (key == "--publisher-tokens") {
      std::ifstream in(value);
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty()) o.publisher_tokens.push_back(line);
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      return 2;
    }
  }
  // Each publisher waits for its answer before its next publish: one publisher at 5/s stalls when
  // an answer takes over 200 ms (a busy server), so the reference gets as many as nelo's drivers.
  if (o.publisher_tokens.empty()) o.publisher_tokens.assign(static_cast<std::size_t>(o.publishers), "");
  // Receivers on their own threads, publishers on another: a busy receiver never delays a publish
  // (the rate asked is the rate sent), and the publish timestamps stay honest.
  asio::io_context io;
  asio::io_context publishing;
  Stats stats;
  const long rss_before = o.server_pid ? rss_kb(o.server_pid) : -1;
  const auto connect_started = SteadyClock::now();
  // Connect in waves, so that the listen backlog never overflows.
  int started = 0;
  while (started < o.clients) {
    const int wave = std::min(500, o.clients - started);
    for (int i = 0; i < wave; ++i) asio::co_spawn(io, client(o, stats, io), asio::detached);
    started += wave;
    while (stats.ready + stats.failed < started) io.run_one_for(std::chrono::milliseconds(100));
  }
  const double connect_seconds = std::chrono::duration<double>(SteadyClock::now() - connect_started).count();
  for (int i = 0; i < 20; ++i) io.run_for(std::chrono::milliseconds(50));
  const long rss_after = o.server_pid ? rss_kb(o.server_pid) : -1;
  std::printf("connected=%d failed=%d connect_s=%.1f\n", stats.ready.load(), stats.failed.load(), connect_seconds);
  std::fflush(stdout);

  const auto end = SteadyClock::now() + std::chrono::seconds(o.warmup + o.duration);
  const std::size_t publishers = o.publisher_tokens.size();
  for (std::size_t i = 0; i < publishers; ++i) {
    asio::co_spawn(publishing, publisher(o, stats, publishing, o.publisher_tokens[i], o.rate / static_cast<double>(publishers),
                                 static_cast<int>(i), end),
                   [](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& x) {
                       std::fprintf(stderr, "publisher: %s\n", x.what());
                     }
                   });
  }
  std::thread publishing_thread([&] { publishing.run(); });
  const int receivers = std::max(1, std::atoi(std::getenv("BENCH_RT_RECEIVER_THREADS") ? std::getenv("BENCH_RT_RECEIVER_THREADS") : "2"));
  auto work = asio::make_work_guard(io);
  std::vector<std::thread> receiving;
  for (int i = 0; i < receivers; ++i) receiving.emplace_back([&] { io.run(); });
  std::this_thread::sleep_for(std::chrono::seconds(o.warmup));
  const double load_cpu_before = own_cpu_seconds();
  const double server_cpu_before = o.server_pid ? process_cpu_seconds(o.server_pid) : -1;
  stats.measuring = true;
  const auto measure_started = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::seconds(o.duration));
  stats.measuring = false;
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - measure_started).count();
  // How busy each side was while measuring (100: one core), to tell which one is the bottleneck.
  const double load_cpu = 100 * (own_cpu_seconds() - load_cpu_before) / seconds;
  const double server_cpu = o.server_pid ? 100 * (process_cpu_seconds(o.server_pid) - server_cpu_before) / seconds : -1;
  publishing_thread.join();
  work.reset();
  io.stop();
  for (auto& t : receiving) t.join();

  std::uint64_t total = 0;
  for (auto& b : stats.latency_ms) total += b.load();
  auto percentile = [&](double p) {
    const auto wanted = static_cast<std::uint64_t>(p * static_cast<double>(total));
    std::uint64_t seen = 0;
    for (std::size_t ms = 0; ms < stats.latency_ms.size(); ++ms) {
      seen += stats.latency_ms[ms].load();
      if (seen > wanted) return static_cast<long>(ms);
    }
    return -1L;
  };
  const double per_connection_kb =
      rss_before > 0 && rss_after > 0 && stats.ready > 0 ? static_cast<double>(rss_after - rss_before) / stats.ready : -1;
  std::printf("published_per_s=%.0f delivered_per_s=%.0f p50_ms=%ld p99_ms=%ld max_ms=%ld rss_before_kb=%ld "
              "rss_after_kb=%ld kb_per_connection=%.1f load_cpu_pct=%.0f server_cpu_pct=%.0f\n",
              static_cast<double>(stats.published) / seconds, static_cast<double>(stats.delivered) / seconds,
              percentile(0.50), percentile(0.99), percentile(0.999999), rss_before, rss_after, per_connection_kb, load_cpu,
              server_cpu);
  return stats.ready > 0 ? 0 : 1;
}
