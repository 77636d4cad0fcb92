#include "core/http/websocket_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "core/http/websocket.hpp"

namespace nelo::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bws = boost::beast::websocket;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxReasonBytes = 120;  // a close frame's payload is at most 125 bytes

class BeastWebSocket final : public WebSocket,
                             public UpgradedConnection,
                             public std::enable_shared_from_this<BeastWebSocket> {
 public:
  BeastWebSocket(Socket&& socket, const WebSocketOptions& options)
      : ws_(std::move(socket)), options_(options), write_timer_(ws_.get_executor()) {
    bws::stream_base::timeout timeout{};
    timeout.handshake_timeout = options.write_timeout;
    timeout.idle_timeout = options.idle_timeout;
    timeout.keep_alive_pings = true;  // a ping after half the idle time; silence for all of it ends the connection
    ws_.set_option(timeout);
    ws_.read_message_max(options.max_message_size);
    ws_.text(true);
    ws_.auto_fragment(false);
    if (options.send_buffer_bytes > 0) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).set_option(
          asio::socket_base::send_buffer_size(static_cast<int>(options.send_buffer_bytes)), ignored);
    }
  }

  asio::awaitable<bool> accept(const beast::http::request<beast::http::string_body>& message) {
    auto [ec] = co_await ws_.async_accept(message, kUseTuple);
    if (ec) {
      spdlog::debug("websocket handshake failed: {}", ec.message());
      abort();
      co_return false;
    }
    co_return true;
  }

  asio::any_io_executor executor() const override { return const_cast<Stream&>(ws_).get_executor(); }

  asio::awaitable<std::optional<std::string>> read() override {
    if (closed_) co_return std::nullopt;
    read_buffer_.clear();
    auto [ec, n] = co_await ws_.async_read(read_buffer_, kUseTuple);
    if (ec) {
      if (ec != bws::error::closed) spdlog::debug("websocket read ended: {}", ec.message());
      closed_ = true;
      co_return std::nullopt;
    }
    co_return beast::buffers_to_string(read_buffer_.data());
  }

  asio::awaitable<bool> write(std::string_view text) override {
    if (closed_ || !ws_.is_open()) co_return false;
    begin_write();
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text.data(), text.size()), kUseTuple);
    writing_ = false;
    if (ec) {
      closed_ = true;
      co_return false;
    }
    co_return true;
  }

  asio::awaitable<void> close(int code, std::string reason) override {
    if (closed_ || !ws_.is_open()) co_return;
    if (reason.size() > kMaxReasonBytes) reason.resize(kMaxReasonBytes);
    bws::close_reason why(static_cast<bws::close_code>(code), reason);
    begin_write();
    auto [ec] = co_await ws_.async_close(why, kUseTuple);
    writing_ = false;
    write_timer_.cancel();
    closed_ = true;
    if (ec) abort();
  }

  void abort() override {
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close(ignored);
  }

  bool is_open() const override { return !closed_ && ws_.is_open(); }

  void request_stop(bool force) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), force] {
      if (force) {
        self->abort();
        return;
      }
      if (self->on_going_away_) self->on_going_away_();
      else self->abort();
    });
  }

  void on_server_stop(std::function<void()> callback) override { on_going_away_ = std::move(callback); }

 private:
  using Stream = bws::stream<Socket>;

  // The write deadline, without a timer per write: one watchdog, armed by the first write after it
  // lapsed, wakes every write_timeout at most and drops the connection when the write in flight
  // began longer ago than that.
  void begin_write() {
    write_started_ = std::chrono::steady_clock::now();
    writing_ = true;
    if (!watchdog_armed_) arm_watchdog(options_.write_timeout);
  }

  void arm_watchdog(std::chrono::steady_clock::duration after) {
    watchdog_armed_ = true;
    write_timer_.expires_after(after);
    write_timer_.async_wait([weak = weak_from_this()](const beast::error_code& ec) {
      auto self = weak.lock();
      if (!self) return;
      self->watchdog_armed_ = false;
      if (ec || !self->writing_ || self->closed_) return;  // no write in flight: the next one re-arms
      const auto elapsed = std::chrono::steady_clock::now() - self->write_started_;
      if (elapsed < self->options_.write_timeout) {
        self->arm_watchdog(self->options_.write_timeout - elapsed);
        return;
      }
      spdlog::debug("websocket write timed out: dropping the connection");
      self->abort();
    });
  }

  Stream ws_;
  WebSocketOptions options_;
  asio::steady_timer write_timer_;
  beast::flat_buffer read_buffer_;
  std::function<void()> on_going_away_;
  std::chrono::steady_clock::time_point write_started_{};
  bool writing_ = false;
  bool watchdog_armed_ = false;
  bool closed_ = false;
};

}  // namespace

bool is_websocket_upgrade(const beast::http::request<beast::http::string_body>& message) {
  return bws::is_upgrade(message);
}

asio::awaitable<bool> serve_websocket(Upgrade& upgrade) {
  auto ws = std::make_shared<BeastWebSocket>(std::move(upgrade.socket), upgrade.route.websocket_options);
  if (!co_await ws->accept(upgrade.message)) co_return false;
  upgrade.on_open(ws);
  try {
    co_await upgrade.route.websocket(upgrade.request, ws);
  } catch (const std::exception& e) {
    spdlog::warn("websocket handler for {} ended with an error: {}", upgrade.route.path, e.what());
  }
  ws->abort();
  upgrade.on_open(nullptr);
  co_return true;
}

}  // namespace nelo::http::detail
