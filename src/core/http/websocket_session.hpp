#pragma once
// The hand-off of an HTTP connection to a route's WebSocket handler (internal to core/http;
// websocket_session.cpp holds the Beast).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>

#include "core/http/request.hpp"
#include "core/http/route.hpp"
#include "core/http/server_state.hpp"

namespace nelo::http::detail {

// What the HTTP session keeps of an upgraded connection, to end it when the server stops.
class UpgradedConnection {
 public:
  virtual ~UpgradedConnection() = default;
  // Graceful: a close frame 1001 (going away). Forced: the socket is dropped. Posts to the strand.
  virtual void request_stop(bool force) = 0;
};

struct Upgrade {
  Socket& socket;  // moved into the WebSocket stream
  boost::beast::http::request<boost::beast::http::string_body> message;  // the upgrade request
  const Route& route;
  Request& request;
  // Called once the handshake succeeded (the 101 is written) with the connection, so the session
  // can stop it; its argument is null once the connection is over.
  std::function<void(std::shared_ptr<UpgradedConnection>)> on_open;
};

// Answers the handshake and runs the route's websocket handler until the connection ends. False
// when the handshake failed (the connection is then closed too).
boost::asio::awaitable<bool> serve_websocket(Upgrade& upgrade);

// Whether a request asks to upgrade to a WebSocket (GET, Connection: upgrade, Upgrade: websocket).
bool is_websocket_upgrade(const boost::beast::http::request<boost::beast::http::string_body>& message);

}  // namespace nelo::http::detail
