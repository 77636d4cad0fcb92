#pragma once
// Waiting for what happens after the call under test returns (an event delivered, a metric or an
// access line recorded once the response is written): poll a condition until it holds or a
// deadline passes, instead of sleeping a fixed time.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>

namespace nelo::test {

// From a coroutine: polls `condition` (returning bool, or an awaitable<bool> when checking needs
// the database) every 20 ms on a timer, so the io_context keeps running what is awaited; fails
// the test, naming `what`, and returns false after `timeout`.
template <class Condition>
boost::asio::awaitable<bool> eventually(Condition condition, std::string what,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    bool holds = false;
    if constexpr (std::is_convertible_v<std::invoke_result_t<Condition&>, bool>) {
      holds = condition();
    } else {
      holds = co_await condition();
    }
    if (holds) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "timed out waiting for: " << what;
      co_return false;
    }
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

// From a plain test body, while the server runs on threads of its own: polls `condition` every
// 5 ms; false after `timeout` (the caller asserts, with its own message).
template <class Condition>
bool eventually_blocking(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace nelo::test
