#pragma once
// Ends the wait of a connection whose server stopped answering. Private to the db layer.
//
// statement_timeout is enforced by the server itself: a server that is frozen (SIGSTOP, a paused
// VM, a stalled disk) or cut off by a network that still accepts packets cancels nothing, and its
// kernel keeps the TCP connection alive, so neither the server's timeout nor keepalives ever end
// the wait, and a request would hang for as long as the freeze lasts. So while a module's
// statement is in flight, its connection records since when it has been waiting for the server
// (two atomic stores per wait: no timer per statement on the hot path); this watchdog looks at
// every watched connection a few times per second, from a thread of its own, and shuts down the
// socket of one that has waited longer than its bound (statement_timeout plus a grace) with
// nothing to read. The wait then ends: the statement fails with StatementTimeout (a 503) and the
// connection is discarded.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

namespace nelo::db::detail {

class Connection;

class AnswerWatchdog {
 public:
  // The process's one watchdog; its thread starts with the first watched connection.
  static AnswerWatchdog& instance();

  // Watched from now until remove(); remove() returns only once the watchdog no longer looks at it.
  void add(Connection* connection);
  void remove(Connection* connection) noexcept;

  // How often the watchdog looks: the bounds it enforces are at least a second.
  static constexpr std::chrono::milliseconds kTick{100};

 private:
  AnswerWatchdog() = default;
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_set<Connection*> watched_;
  bool started_ = false;
};

}  // namespace nelo::db::detail
