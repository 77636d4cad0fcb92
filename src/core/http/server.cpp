#include "core/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

#include "core/http/server_state.hpp"
#include "core/http/session.hpp"

namespace nelo::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace detail {

namespace {
// After a forced close, connections whose handlers ignore cancellation get this long before
// the server reports itself stopped anyway.
constexpr std::chrono::seconds kForceGrace{2};
}  // namespace

ServerState::ServerState(asio::io_context& io_context, ServerOptions opts, const Router& r,
                         const AccessTokenVerifier* v, metrics::Registry& registry)
    : io(io_context),
      options(std::move(opts)),
      router(r),
      verifier(v),
      metrics(registry, r),
      acceptor_strand_(asio::make_strand(io_context)),
      acceptor_(acceptor_strand_),
      grace_timer_(acceptor_strand_) {}

ServerState::Admission ServerState::add(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mutex_);
  if (stopping_.load(std::memory_order_relaxed)) return Admission::Drop;
  Admission admission = Admission::Serve;
  if (options.max_connections != 0 && serving_ >= options.max_connections) {
    // Refusals are cheap but not free: past as many as there are slots, a flood is only closed.
    if (refusing_ >= std::max<std::size_t>(options.max_connections, 16)) return Admission::Drop;
    admission = Admission::Refuse;
    ++refusing_;
  } else {
    ++serving_;
  }
  connections_.emplace(connection.get(), connection);
  return admission;
}

void ServerState::remove(const Connection* connection, Admission admitted) {
  {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    if (admitted == Admission::Serve) --serving_;
    else if (admitted == Admission::Refuse) --refusing_;
  }
  maybe_finish();
}

void ServerState::start() {
  try {
    tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    throw std::system_error(e.code(), "cannot listen on " + options.address + ":" + std::to_string(options.port));
  }
  {
    std::lock_guard lock(mutex_);
    accepting_ = true;
  }
  asio::co_spawn(acceptor_strand_, accept_loop(), asio::detached);
}

asio::awaitable<void> ServerState::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    Strand strand = asio::make_strand(io);
    auto [ec, socket] = co_await acceptor_.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      // Out of descriptors (or similar): back off instead of spinning on the error.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor_strand_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (stopping()) break;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_connection(std::move(socket), self);
  }
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
  }
  maybe_finish();
}

void ServerState::stop(std::function<void()> on_stopped) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    if (on_stopped) on_stopped_.push_back(std::move(on_stopped));
    if (stopping_.exchange(true)) {
      // Already stopping: the callback runs with the others (or now, if that has happened).
      if (finished_) {
        for (auto& cb : on_stopped_) asio::post(io, std::move(cb));
        on_stopped_.clear();
      }
      return;
    }
    for (auto& [ptr, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  spdlog::info("http: stopping; {} connection(s) open, {} ms grace", live.size(), options.shutdown_grace.count());
  auto self = shared_from_this();
  asio::post(acceptor_strand_, [self] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->grace_timer_.expires_after(self->options.shutdown_grace);
    self->grace_timer_.async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->force_remaining();
    });
  });
  for (auto& c : live) c->request_stop(false);
  maybe_finish();
}

void ServerState::force_remaining() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    for (auto& [ptr, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  if (live.empty()) return;
  spdlog::warn("http: shutdown grace elapsed; closing {} connection(s) with requests in flight", live.size());
  for (auto& c : live) c->request_stop(true);
  auto self = shared_from_this();
  grace_timer_.expires_after(kForceGrace);
  grace_timer_.async_wait([self](const boost::system::error_code& ec) {
    if (!ec) self->maybe_finish(true);
  });
}

void ServerState::abort() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
    for (auto& [ptr, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  auto self = shared_from_this();
  asio::post(acceptor_strand_, [self] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->grace_timer_.cancel();
  });
  for (auto& c : live) c->request_stop(true);
}

void ServerState::maybe_finish(bool give_up) {
  std::vector<std::function<void()>> callbacks;
  std::size_t stuck = 0;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_.load(std::memory_order_relaxed) || finished_) return;
    if (accepting_ || !connections_.empty()) {
      if (!give_up) return;
      stuck = connections_.size();
    }
    finished_ = true;
    callbacks.swap(on_stopped_);
  }
  if (stuck) spdlog::error("http: {} connection(s) did not close after a forced close; stopping anyway", stuck);
  auto self = shared_from_this();
  asio::post(acceptor_strand_, [self] { self->grace_timer_.cancel(); });
  for (auto& cb : callbacks) asio::post(io, std::move(cb));
}

}  // namespace detail

struct Server::Impl : detail::ServerState {
  using ServerState::ServerState;
};

Server::Server(asio::io_context& io, ServerOptions options, const Router& router, const AccessTokenVerifier* verifier,
               metrics::Registry& metrics)
    : impl_(std::make_shared<Impl>(io, std::move(options), router, verifier, metrics)) {}

Server::~Server() {
  // A server destroyed without a completed stop() must not leave connections using the router.
  if (impl_) impl_->abort();
}

void Server::start() { impl_->start(); }

std::uint16_t Server::port() const { return impl_->port(); }

void Server::stop(std::function<void()> on_stopped) { impl_->stop(std::move(on_stopped)); }

}  // namespace nelo::http
