#pragma once
// The connection's socket as Beast's reads see it (session.cpp only).
//
// The session's timer ends a read in progress when the request's deadline passes: it cancels
// the socket. Beast reads a header or a body in several reads, and the deadline can pass between
// two of them, when no read is pending for the cancel to end; the next read would then wait with
// no deadline at all. Through this, a read started once the deadline has passed fails at once.

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <utility>

#include "core/http/server_state.hpp"

namespace nelo::http::detail {

class DeadlineReads {
 public:
  using executor_type = Socket::executor_type;

  // `timed_out` is the session's flag, set by its timer once the deadline has passed.
  DeadlineReads(Socket& socket, const bool& timed_out, boost::system::error_code timeout_error) noexcept
      : socket_(socket), timed_out_(timed_out), timeout_error_(timeout_error) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }

  // Completes with `timeout_error` (posted, never inline) once the deadline has passed.
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& into) {
          if (timed_out_) {
            boost::asio::post(socket_.get_executor(),
                              boost::asio::append(std::move(handler), timeout_error_, std::size_t{0}));
          } else {
            socket_.async_read_some(into, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  Socket& socket_;
  const bool& timed_out_;
  boost::system::error_code timeout_error_;
};

}  // namespace nelo::http::detail
