#include "core/db/answer_watchdog.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "core/db/connection.hpp"

namespace nelo::db::detail {

AnswerWatchdog& AnswerWatchdog::instance() {
  // Never destroyed: connections may unregister during static destruction, and the thread runs
  // until the process ends.
  static auto* watchdog = new AnswerWatchdog();
  return *watchdog;
}

void AnswerWatchdog::add(Connection* connection) {
  std::lock_guard lock(mutex_);
  watched_.insert(connection);
  if (!started_) {
    started_ = true;
    std::thread([this] { run(); }).detach();
  }
  wake_.notify_one();
}

void AnswerWatchdog::remove(Connection* connection) noexcept {
  std::lock_guard lock(mutex_);
  watched_.erase(connection);
}

void AnswerWatchdog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // Asleep while nothing is watched; otherwise a look every tick.
    if (watched_.empty()) {
      wake_.wait(lock, [this] { return !watched_.empty(); });
    } else {
      wake_.wait_for(lock, kTick);
    }
    const auto now = std::chrono::steady_clock::now();
    // Under the lock: a connection cannot be destroyed while it is looked at (remove() waits).
    for (Connection* connection : watched_) {
      if (connection->waited_too_long(now)) {
        spdlog::warn("database: no answer from the server within {} ms; giving the connection up",
                     connection->answer_bound().count());
        connection->interrupt();
      }
    }
  }
}

}  // namespace nelo::db::detail
