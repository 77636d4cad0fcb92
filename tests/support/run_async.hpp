#pragma once
// Runs a coroutine to completion from a synchronous test body and returns its value (or rethrows).
// The io_context runs on `threads` threads until it has no work left, so background work the
// coroutine started (a pool's rollback of an abandoned transaction, say) finishes too.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace nelo::test {

namespace detail {
inline void run_io(boost::asio::io_context& io, std::size_t threads) {
  io.restart();
  std::vector<std::thread> extra;
  for (std::size_t i = 1; i < threads; ++i) extra.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();
}

// Keeps the value in the caller's frame, so T need not be default-constructible.
template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> work, std::optional<T>& out) {
  out.emplace(co_await std::move(work));
}
}  // namespace detail

template <class T>
T run_async(boost::asio::io_context& io, boost::asio::awaitable<T> work, std::size_t threads = 1) {
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) { error = e; });
    detail::run_io(io, threads);
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> value;
    boost::asio::co_spawn(io, detail::store_into(std::move(work), value), [&](std::exception_ptr e) { error = e; });
    detail::run_io(io, threads);
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
}

}  // namespace nelo::test
