#pragma once
// A WebSocket client for black-box tests of the real-time gateway (Boost.Beast): connects to
// ws://127.0.0.1:<port><target>, keeps one read pending (so it answers the server's pings while the
// test waits), splits each server frame (a JSON array of messages) into messages, and remembers the
// close code. Not thread-safe: one test thread drives it.

#include <boost/json/object.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nelo::test {

class WebSocketClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Connects and completes the handshake; throws std::runtime_error (with the HTTP status the
  // server answered, if any) when it fails. `receive_buffer_bytes` (SO_RCVBUF, 0: the system's)
  // makes a small kernel buffer, for a client that stops reading to be noticed soon.
  WebSocketClient(unsigned short port, std::string target = "/api/v1/realtime", Headers headers = {},
                  int receive_buffer_bytes = 0);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // One text message (the JSON text of a client message).
  void send(const std::string& text);
  void send(const boost::json::object& message);

  // The next server message, or nullopt when none arrives within `timeout` (or the socket closed).
  std::optional<boost::json::object> next(std::chrono::milliseconds timeout);
  // The first message (from now, skipping others) for which `match` is true, or nullopt.
  std::optional<boost::json::object> wait_for(const std::function<bool(const boost::json::object&)>& match,
                                              std::chrono::milliseconds timeout);
  // The first message of `type` (and of `channel`, when given).
  std::optional<boost::json::object> wait_for_type(const std::string& type, std::chrono::milliseconds timeout,
                                                   const std::string& channel = {});

  // Waits for the server to close; the close code, or nullopt when still open after `timeout`.
  std::optional<int> wait_closed(std::chrono::milliseconds timeout);
  bool is_open() const;
  // Everything received so far, in order (for failure messages).
  const std::vector<std::string>& frames() const;

  // Closes from the client side (code 1000).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Subscribes and waits for the answer: the "subscribed" or "error" message with this id.
boost::json::object subscribe(WebSocketClient& client, const std::string& channel,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace nelo::test
