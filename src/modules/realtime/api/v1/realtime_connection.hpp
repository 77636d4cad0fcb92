#pragma once
// One real-time client on its WebSocket (docs/realtime.md): authentication (the Authorization
// header, or a first {"type": "auth"} message), renewal over the socket, the expiry and revocation
// checks, subscriptions authorised by the channel table, and the one writer that sends everything
// queued for the client in one frame. Three coroutines share the connection's strand: the reader
// (this serve()), the writer and the auth watch; the hub's threads only push into the bounded
// queue and wake the writer.

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "core/time.hpp"
#include "modules/realtime/realtime_settings.hpp"

namespace nelo {
class AccessTokenVerifier;
namespace http {
class Request;
class WebSocket;
}  // namespace http
}  // namespace nelo

namespace nelo::realtime {

class Hub;
class Channels;
struct RealtimeMetrics;

// Close codes (docs/realtime.md#close-codes).
inline constexpr int kCloseGoingAway = 1001;          // the server stops
inline constexpr int kCloseUnauthenticated = 4000;    // no valid token (header or first message)
inline constexpr int kCloseTokenExpired = 4001;       // the token expired and was not renewed
inline constexpr int kCloseSessionRevoked = 4003;     // the session was revoked (logout, role removed...)
inline constexpr int kCloseTooSlow = 4008;            // the client's queue stayed full

struct GatewayParts {
  Hub& hub;
  const Channels& channels;
  const AccessTokenVerifier* verifier;  // null: nobody can authenticate (auth not served here)
  const RealtimeSettings& settings;
  const Clock& clock;
  RealtimeMetrics& metrics;
};

// Serves one upgraded connection until it closes.
boost::asio::awaitable<void> serve_realtime(const GatewayParts& parts, http::Request& request,
                                            std::shared_ptr<http::WebSocket> socket);

}  // namespace nelo::realtime
