#pragma once
// Runs a test body with an event bus dispatching, and stops the bus afterwards even if the body
// throws: a running dispatcher keeps the io_context busy, so the run would never return otherwise.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <functional>

#include "shared/events/outbox_event_bus.hpp"
#include "support/run_async.hpp"

namespace nelo::test {

// On `threads` threads, like the server.
inline void run_with_bus(boost::asio::io_context& io, events::OutboxEventBus& bus,
                         const std::function<boost::asio::awaitable<void>()>& body, std::size_t threads = 2) {
  run_async(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await bus.open_streams();  // as the server does before it serves
        bus.start();
        std::exception_ptr error;
        try {
          co_await body();
        } catch (...) {
          error = std::current_exception();
        }
        co_await bus.stop();
        if (error) std::rethrow_exception(error);
      }(),
      threads);
}

}  // namespace nelo::test
