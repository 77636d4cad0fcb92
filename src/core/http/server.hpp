#pragma once
// HTTP/1.1 server on Boost.Beast with C++20 coroutines. Beast stays inside server.cpp.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http/router.hpp"
#include "core/http/trusted_proxies.hpp"

namespace nelo {
class AccessTokenVerifier;
namespace metrics {
class Registry;
}
}  // namespace nelo

namespace nelo::http {

struct ServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8000;  // 0: pick a free port (see Server::port())
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 8 * 1024;
  std::size_t json_max_depth = 32;
  std::chrono::milliseconds read_timeout{15000};   // whole request, headers + body -> 408
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive between requests
  std::chrono::milliseconds write_timeout{15000};
  std::chrono::milliseconds shutdown_grace{10000}; // in-flight requests get this long on stop
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For names the client (none by default)
  // Admission control (0: unlimited). Past max_connections open connections, a new connection
  // is answered 503 with Retry-After and closed at once, without reading its request; past
  // max_in_flight requests being handled, a request is answered 503 with Retry-After at once,
  // before its handler runs (the connection stays open). Neither is ever queued.
  std::size_t max_connections = 0;
  std::size_t max_in_flight = 0;
  std::chrono::seconds retry_after{1};  // the Retry-After of those refusals
};

class Server {
 public:
  // The router and verifier must outlive the server. verifier may be null: then every
  // non-public route answers 401.
  Server(boost::asio::io_context& io, ServerOptions options, const Router& router,
         const AccessTokenVerifier* verifier, metrics::Registry& metrics);
  ~Server();

  // Binds and starts accepting; throws std::system_error when the port cannot be bound.
  void start();
  std::uint16_t port() const;

  // Graceful: stop accepting, let in-flight requests finish within shutdown_grace, close idle
  // keep-alive connections. Calls on_stopped (on an io thread) when every connection is closed.
  void stop(std::function<void()> on_stopped);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace nelo::http
