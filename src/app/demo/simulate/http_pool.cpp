#include "app/demo/simulate/http_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <vector>

#include "core/http_url.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kBodyLimit = 16 * 1024 * 1024;

struct Connection {
  explicit Connection(const asio::any_io_executor& executor) : stream(executor) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  int uses = 0;
};

// A request waiting for a connection: handed one (or the right to open one) by release().
struct Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {
    timer.expires_at(asio::steady_timer::time_point::max());
  }
  asio::steady_timer timer;
  std::unique_ptr<Connection> connection;
  bool may_open = false;
};

// Errors of a kept-alive connection the server closed meanwhile: nothing was processed.
bool stale(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::eof;
}

struct Exchange {
  beast::error_code ec;
  ApiResponse response;
  bool keep_alive = false;
};

}  // namespace

struct HttpPool::Impl {
  asio::any_io_executor executor;
  std::string host, port, prefix;
  std::size_t max_connections = 1;
  std::chrono::seconds timeout{30};
  tcp::resolver::results_type endpoints;
  std::size_t open = 0;  // connections open or being opened
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<Waiter*> waiters;
  bool closed = false;
  std::int64_t requests = 0;
  std::int64_t connections_opened = 0;

  asio::awaitable<std::unique_ptr<Connection>> connect() {
    if (endpoints.empty()) {
      tcp::resolver resolver(executor);
      auto [ec, results] = co_await resolver.async_resolve(host, port, kUseTuple);
      if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
      endpoints = results;
    }
    auto connection = std::make_unique<Connection>(executor);
    connection->stream.expires_after(timeout);
    auto [ec, endpoint] = co_await connection->stream.async_connect(endpoints, kUseTuple);
    if (ec) throw std::runtime_error("cannot connect to " + host + ":" + port + ": " + ec.message());
    connection->stream.socket().set_option(tcp::no_delay(true));
    ++connections_opened;
    co_return connection;
  }

  asio::awaitable<std::unique_ptr<Connection>> open_counted() {
    try {
      co_return co_await connect();
    } catch (...) {
      release(nullptr);
      throw;
    }
  }

  asio::awaitable<std::unique_ptr<Connection>> acquire() {
    if (closed) throw std::runtime_error("the HTTP pool is closed");
    if (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      co_return connection;
    }
    if (open < max_connections) {
      ++open;
      co_return co_await open_counted();
    }
    Waiter waiter(executor);
    waiters.push_back(&waiter);
    co_await waiter.timer.async_wait(kUseTuple);
    if (auto at = std::find(waiters.begin(), waiters.end(), &waiter); at != waiters.end()) waiters.erase(at);
    if (waiter.connection) co_return std::move(waiter.connection);
    if (waiter.may_open) co_return co_await open_counted();
    throw std::runtime_error("the HTTP pool is closed");
  }

  // `connection` null: it broke (or was not kept alive), and its place in the pool is free.
  void release(std::unique_ptr<Connection> connection) {
    if (closed) connection.reset();
    if (!waiters.empty()) {
      Waiter* next = waiters.front();
      waiters.pop_front();
      if (connection) next->connection = std::move(connection);
      else next->may_open = true;
      next->timer.cancel();
      return;
    }
    if (connection) idle.push_back(std::move(connection));
    else --open;
  }

  asio::awaitable<Exchange> exchange(Connection& c, const http::request<http::string_body>& request) {
    Exchange out;
    c.stream.expires_after(timeout);
    auto [write_ec, written] = co_await http::async_write(c.stream, request, kUseTuple);
    if (write_ec) {
      out.ec = write_ec;
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    auto [read_ec, read] = co_await http::async_read(c.stream, c.buffer, parser, kUseTuple);
    if (read_ec) {
      out.ec = read_ec;
      co_return out;
    }
    auto& response = parser.get();
    out.response.status = static_cast<int>(response.result_int());
    out.response.content_type = std::string(response[http::field::content_type]);
    out.response.body = std::move(response.body());
    out.keep_alive = response.keep_alive();
    co_return out;
  }
};

HttpPool::HttpPool(asio::any_io_executor executor, const std::string& base_url, std::size_t max_connections,
                   std::chrono::seconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto url = parse_http_url(base_url);
  if (!url || url->has_fragment) {
    throw std::invalid_argument("expected a URL like http://127.0.0.1:8000, got '" + base_url + "'");
  }
  impl_->executor = std::move(executor);
  impl_->host = std::move(url->host);
  impl_->port = std::move(url->port);
  impl_->prefix = std::move(url->path);
  while (!impl_->prefix.empty() && impl_->prefix.back() == '/') impl_->prefix.pop_back();
  impl_->max_connections = std::max<std::size_t>(1, max_connections);
  impl_->timeout = timeout;
}

HttpPool::~HttpPool() = default;

std::int64_t HttpPool::requests() const noexcept { return impl_->requests; }
std::int64_t HttpPool::connections_opened() const noexcept { return impl_->connections_opened; }

void HttpPool::close() {
  impl_->closed = true;
  for (auto* waiter : impl_->waiters) waiter->timer.cancel();
  impl_->waiters.clear();
  impl_->open -= std::min(impl_->open, impl_->idle.size());
  impl_->idle.clear();
}

asio::awaitable<ApiResponse> HttpPool::send(std::string method, std::string path, std::string token, std::string body,
                                            std::string idempotency_key) {
  Impl& pool = *impl_;
  http::request<http::string_body> request(http::string_to_verb(method), pool.prefix + path, 11);
  request.set(http::field::host, pool.host + ":" + pool.port);
  request.set(http::field::user_agent, "nelo-demo-simulate");
  request.set(http::field::accept, "application/json");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  if (!idempotency_key.empty()) request.set("Idempotency-Key", idempotency_key);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
  }
  request.keep_alive(true);
  request.prepare_payload();
  ++pool.requests;

  for (int attempt = 0;; ++attempt) {
    auto connection = co_await pool.acquire();
    const bool reused = connection->uses > 0;
    Exchange result = co_await pool.exchange(*connection, request);
    if (!result.ec) {
      ++connection->uses;
      if (result.keep_alive) pool.release(std::move(connection));
      else pool.release(nullptr);
      co_return std::move(result.response);
    }
    connection.reset();
    pool.release(nullptr);
    if (reused && attempt == 0 && stale(result.ec)) continue;
    throw std::runtime_error(method + " " + path + ": " + result.ec.message());
  }
}

}  // namespace nelo::app::demo::sim
