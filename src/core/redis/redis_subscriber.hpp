#pragma once
// A Redis pub/sub subscription to one channel, on a thread of its own: a subscribed connection
// only ever waits for the next message, so it is the one Redis connection that blocks, off the
// io_context (whose threads never wait). Reconnects with a backoff when Redis goes away (messages
// published meanwhile are lost: pub/sub keeps nothing). Publishing goes through redis::Client.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace nelo::redis {

class Subscriber {
 public:
  // Called on the subscriber's thread with each message's payload.
  using OnMessage = std::function<void(std::string payload)>;

  // Throws std::invalid_argument for a malformed URL; does not connect yet.
  Subscriber(std::string url, std::string channel, OnMessage on_message);
  ~Subscriber();  // stop()
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void start();
  // Ends the subscription and joins the thread.
  void stop();
  // True while subscribed (for readiness and tests).
  bool subscribed() const { return subscribed_.load(); }

 private:
  void run();
  bool listen_once();  // one connection's life; false once stopping

  std::string url_;
  std::string channel_;
  OnMessage on_message_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::mutex fd_mutex_;
  int fd_ = -1;  // the live connection's socket, shut down by stop() to end a blocking read
};

}  // namespace nelo::redis
