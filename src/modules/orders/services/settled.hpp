#pragma once
// What an awaited operation gave: its value or its exception, so that operations run side by side
// (asio's awaitable operator &&) can all finish before one of their failures is chosen. Without
// it, two failing at once surface as boost::asio::multiple_exceptions, which no one maps to an
// answer (a 500 when the database is down under two reads at once).

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <optional>

namespace nelo::orders {

template <class T>
struct Settled {
  std::optional<T> value;
  std::exception_ptr failure;
};

template <class T>
boost::asio::awaitable<Settled<T>> settle(boost::asio::awaitable<T> operation) {
  Settled<T> out;
  try {
    out.value = co_await std::move(operation);
  } catch (...) {
    out.failure = std::current_exception();
  }
  co_return out;
}

}  // namespace nelo::orders
