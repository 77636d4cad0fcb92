#pragma once
// A level-triggered wake-up for one coroutine on a strand: notify() before or during the wait
// ends it; otherwise it ends at the deadline. Used instead of sleeping so that a commit, a stop
// request or a finished worker is noticed at once. Strand-confined: no locking.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace nelo::events {

class WakeSignal {
 public:
  explicit WakeSignal(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  void notify() {
    notified_ = true;
    timer_.cancel();
  }

  // True if woken by notify(), false at the deadline. Consumes the notification.
  boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline) {
    if (!notified_) {
      timer_.expires_at(deadline);
      boost::system::error_code ec;
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    const bool woken = notified_;
    notified_ = false;
    co_return woken;
  }

 private:
  boost::asio::steady_timer timer_;
  bool notified_ = false;
};

}  // namespace nelo::events
