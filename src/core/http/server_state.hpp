#pragma once
// What the server, its acceptor and its connections share (internal to core/http). Owns the
// listening socket and the shutdown bookkeeping: which connections are alive, and who to call
// once the last one is gone.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/http/http_metrics.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"

namespace nelo::http::detail {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;
using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Strand>;

// What the server may ask of a live connection. Thread-safe: posts to the connection's strand.
class Connection {
 public:
  virtual ~Connection() = default;
  // Graceful: close now if idle, else after answering the request in progress with
  // "Connection: close". Forced: close the socket and cancel what the handler awaits.
  virtual void request_stop(bool force) = 0;
};

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(boost::asio::io_context& io, ServerOptions options, const Router& router,
              const AccessTokenVerifier* verifier, metrics::Registry& registry);

  boost::asio::io_context& io;
  const ServerOptions options;
  const Router& router;
  const AccessTokenVerifier* const verifier;
  HttpMetrics metrics;

  bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }

  enum class Admission {
    Serve,   // counted against max_connections until remove()
    Refuse,  // over max_connections: answer 503 and close (tracked, not counted as served)
    Drop,    // stopping, or too many refusals already under way: close without a word
  };
  Admission add(const std::shared_ptr<Connection>& connection);
  void remove(const Connection* connection, Admission admitted);

  // Every max_in_flight slot taken: a new request is refused before anything else is done for it.
  bool saturated() const noexcept {
    return options.max_in_flight != 0 && handling_.load(std::memory_order_relaxed) >= options.max_in_flight;
  }
  // A slot among max_in_flight for a request about to be handled; false when none is free.
  bool try_admit_request() noexcept {
    if (options.max_in_flight == 0) return true;
    if (handling_.fetch_add(1, std::memory_order_relaxed) < options.max_in_flight) return true;
    handling_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void release_request() noexcept {
    if (options.max_in_flight != 0) handling_.fetch_sub(1, std::memory_order_relaxed);
  }

  void start();
  std::uint16_t port() const noexcept { return port_; }
  void stop(std::function<void()> on_stopped);
  // The destructor's last resort: stop accepting and force every connection closed.
  void abort();

 private:
  boost::asio::awaitable<void> accept_loop();
  void force_remaining();
  void maybe_finish(bool give_up = false);

  Strand acceptor_strand_;
  Acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> handling_{0};  // requests holding an in-flight slot

  std::mutex mutex_;
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> connections_;
  std::size_t serving_ = 0;   // connections admitted (Serve)
  std::size_t refusing_ = 0;  // connections being answered 503 (Refuse)
  bool accepting_ = false;
  bool finished_ = false;
  std::vector<std::function<void()>> on_stopped_;
};

}  // namespace nelo::http::detail
