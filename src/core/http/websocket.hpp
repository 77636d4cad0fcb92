#pragma once
// A connection upgraded to a WebSocket (RFC 6455), as a route's websocket handler sees it. Beast
// stays in websocket_session.cpp: this header is plain data and coroutines.
//
// The server answers pings and sends its own on an idle connection (keep-alive pings), and closes
// a connection whose peer stays silent past `idle_timeout` (dead-connection detection): the
// handler sees read() end. At most one read and one write may be in flight at a time: the handler
// runs one reader and one writer, both on executor() (the connection's strand).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::http {

class Request;

struct WebSocketOptions {
  std::chrono::milliseconds idle_timeout{30000};    // a ping goes out after half of it; silence for all of it closes
  std::chrono::milliseconds write_timeout{10000};   // a write (or close) that takes longer drops the connection
  std::size_t max_message_size = 64 * 1024;         // a bigger message from the peer closes with 1009
  // The socket's kernel send buffer (SO_SNDBUF); 0 keeps the system's autotuning (which lets a peer
  // that stops reading hold megabytes before a write waits). A small one bounds what a slow peer
  // holds in the kernel, so the handler's own queue notices it sooner.
  std::size_t send_buffer_bytes = 0;
};

class WebSocket {
 public:
  virtual ~WebSocket() = default;

  // The connection's strand: every call below must run on it.
  virtual boost::asio::any_io_executor executor() const = 0;
  // The next text message; nullopt once the connection is closed (by either side, or dead).
  virtual boost::asio::awaitable<std::optional<std::string>> read() = 0;
  // One text message; false when the connection is gone (or the write timed out: then it is dropped).
  virtual boost::asio::awaitable<bool> write(std::string_view text) = 0;
  // Sends a close frame with `code` (1000-4999) and a short reason, then waits (bounded) for the
  // peer's; the reader then sees read() end.
  virtual boost::asio::awaitable<void> close(int code, std::string reason) = 0;
  // Drops the TCP connection at once (no close frame): for a peer that no longer reads.
  virtual void abort() = 0;
  virtual bool is_open() const = 0;
  // What to do when the server stops gracefully (runs on executor()): typically close with 1001.
  // Without it the connection is dropped.
  virtual void on_server_stop(std::function<void()> callback) = 0;
};

// Serves one upgraded connection; the connection closes when the returned coroutine ends. The
// request is the upgrade request (headers, query, remote address); its body is empty.
using WebSocketHandler = std::function<boost::asio::awaitable<void>(Request&, std::shared_ptr<WebSocket>)>;

}  // namespace nelo::http
