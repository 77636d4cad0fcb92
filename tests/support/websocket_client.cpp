#include "support/websocket_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <stdexcept>

namespace nelo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bws = boost::beast::websocket;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct WebSocketClient::Impl {
  asio::io_context io;
  bws::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::deque<json::object> messages;
  std::vector<std::string> frames;
  bool reading = false;
  bool closed = false;
  std::optional<int> close_code;

  void read() {
    if (reading || closed) return;
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
      reading = false;
      if (ec) {
        closed = true;
        if (ws.reason().code != bws::close_code::none || ec == bws::error::closed) close_code = ws.reason().code;
        return;
      }
      std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      frames.push_back(text);
      boost::system::error_code parse_ec;
      json::value frame = json::parse(text, parse_ec);
      if (!parse_ec && frame.is_array()) {
        for (auto& m : frame.as_array()) {
          if (m.is_object()) messages.push_back(m.as_object());
        }
      } else if (!parse_ec && frame.is_object()) {
        messages.push_back(frame.as_object());
      }
      read();
    });
  }

  // Runs the io_context until `done` or the deadline.
  template <class Done>
  void run_until(Done done, Clock::time_point deadline) {
    read();
    while (!done() && Clock::now() < deadline) {
      io.restart();
      io.run_one_for(deadline - Clock::now());
    }
  }
};

WebSocketClient::WebSocketClient(unsigned short port, std::string target, Headers headers, int receive_buffer_bytes)
    : impl_(std::make_unique<Impl>()) {
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  if (receive_buffer_bytes > 0) {  // before connecting: the window is agreed at the handshake
    auto& socket = beast::get_lowest_layer(impl_->ws).socket();
    socket.open(endpoint.protocol());
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
  }
  beast::get_lowest_layer(impl_->ws).connect(endpoint);
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(10));
  impl_->ws.set_option(bws::stream_base::decorator([headers](bws::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  bws::response_type response;
  beast::error_code ec;
  impl_->ws.handshake(response, "127.0.0.1:" + std::to_string(port), target, ec);
  beast::get_lowest_layer(impl_->ws).expires_never();
  if (ec) {
    throw std::runtime_error("websocket handshake failed (" + ec.message() + "), HTTP " +
                             std::to_string(response.result_int()) + ": " + response.body());
  }
}

WebSocketClient::~WebSocketClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

void WebSocketClient::send(const std::string& text) {
  bool done = false;
  beast::error_code result;
  impl_->ws.text(true);
  impl_->ws.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  impl_->run_until([&] { return done; }, Clock::now() + std::chrono::seconds(10));
  if (!done || result) throw std::runtime_error("websocket write failed: " + (done ? result.message() : "timeout"));
}

void WebSocketClient::send(const json::object& message) { send(json::serialize(message)); }

std::optional<json::object> WebSocketClient::next(std::chrono::milliseconds timeout) {
  impl_->run_until([&] { return !impl_->messages.empty() || impl_->closed; }, Clock::now() + timeout);
  if (impl_->messages.empty()) return std::nullopt;
  json::object m = std::move(impl_->messages.front());
  impl_->messages.pop_front();
  return m;
}

std::optional<json::object> WebSocketClient::wait_for(const std::function<bool(const json::object&)>& match,
                                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!m) return std::nullopt;
    if (match(*m)) return m;
  }
  return std::nullopt;
}

std::optional<json::object> WebSocketClient::wait_for_type(const std::string& type, std::chrono::milliseconds timeout,
                                                           const std::string& channel) {
  return wait_for(
      [&](const json::object& m) {
        const auto* t = m.if_contains("type");
        if (!t || !t->is_string() || t->get_string() != type) return false;
        if (channel.empty()) return true;
        const auto* c = m.if_contains("channel");
        return c && c->is_string() && c->get_string() == channel;
      },
      timeout);
}

std::optional<int> WebSocketClient::wait_closed(std::chrono::milliseconds timeout) {
  impl_->run_until([&] { return impl_->closed; }, Clock::now() + timeout);
  if (!impl_->closed) return std::nullopt;
  return impl_->close_code.value_or(1006);
}

bool WebSocketClient::is_open() const { return !impl_->closed && impl_->ws.is_open(); }

const std::vector<std::string>& WebSocketClient::frames() const { return impl_->frames; }

void WebSocketClient::close() {
  bool done = false;
  impl_->ws.async_close(bws::close_code::normal, [&](beast::error_code) { done = true; });
  impl_->run_until([&] { return done; }, Clock::now() + std::chrono::seconds(5));
}

json::object subscribe(WebSocketClient& client, const std::string& channel, std::chrono::milliseconds timeout) {
  static std::atomic<int> next_id{1};
  const int id = next_id++;
  client.send(json::object{{"type", "subscribe"}, {"channel", channel}, {"id", id}});
  auto answer = client.wait_for(
      [&](const json::object& m) {
        const auto* i = m.if_contains("id");
        return i && i->is_int64() && i->as_int64() == id;
      },
      timeout);
  if (!answer) throw std::runtime_error("no answer to subscribe " + channel);
  return *answer;
}

}  // namespace nelo::test
