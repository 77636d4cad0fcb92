#include "modules/realtime/api/v1/realtime_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/errors.hpp"
#include "core/http/router.hpp"

namespace nelo::realtime {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kPath = "/api/v1/realtime";

// A plain GET (no Upgrade header) is a client that does not speak WebSocket.
asio::awaitable<http::Response> not_an_upgrade(http::Request&) {
  throw BadRequest("GET /api/v1/realtime is a WebSocket: send an upgrade request (Connection: Upgrade, "
                   "Upgrade: websocket); see docs/realtime.md");
  co_return http::Response{};
}

http::RouteDoc realtime_doc() {
  http::RouteDoc doc;
  doc.summary = "Real-time channels (WebSocket)";
  doc.description =
      "Upgrades to a WebSocket (RFC 6455) that carries a JSON protocol (docs/realtime.md). Authenticate with the "
      "Authorization header (Bearer access token), or, from a browser, with a first message {\"type\": \"auth\", "
      "\"token\": ...} within NELO_REALTIME_AUTH_TIMEOUT_SECONDS. Then {\"type\": \"subscribe\", \"channel\": ...} to "
      "notifications, order:{id}, delivery:{id}:position, driver:offers (drivers) or admin:city (admins); each channel "
      "is authorised on subscribe and again when the right may have ended. Every server frame is a JSON array of "
      "messages; events carry a per-channel seq. A renewed token may be sent over the socket; otherwise the server "
      "closes with 4001 when the token expires, 4003 when its session is revoked, 4000 without a valid token, 4008 "
      "for a client too slow to read, 1001 when the server stops.";
  doc.parameters = {{"Authorization", "header", false, "Bearer <access token> (or send it as the first message)",
                     json::object{{"type", "string"}}},
                    {"Upgrade", "header", true, "websocket", json::object{{"type", "string"}, {"const", "websocket"}}}};
  doc.responses = {{101, "Switching Protocols: the WebSocket is open", nullptr},
                   http::problem_response(400, "Not a WebSocket upgrade request")};
  return doc;
}

}  // namespace

void register_realtime_routes(http::Router& router, const GatewayParts& parts) {
  const GatewayParts* gateway = &parts;
  http::WebSocketOptions options;
  options.idle_timeout = parts.settings.idle_timeout;
  options.max_message_size = parts.settings.max_message_bytes;
  options.send_buffer_bytes = parts.settings.send_buffer_bytes;
  router.add({.method = "GET",
              .path = kPath,
              // Public at the HTTP level: a browser cannot set the header, so the connection itself
              // authenticates (header or first message) and closes with 4000 without a valid token.
              .policy = http::Policy::public_access(),
              .handler = not_an_upgrade,
              .module = "realtime",
              .doc = realtime_doc(),
              .access = http::Access::self(),
              .websocket = [gateway](http::Request& request, std::shared_ptr<http::WebSocket> socket) {
                return serve_realtime(*gateway, request, std::move(socket));
              },
              .websocket_options = options});
}

}  // namespace nelo::realtime
