#pragma once
// A Redis connection for coroutines: hiredis' asynchronous API driven by Asio (its event hooks
// over an asio stream descriptor on the connection's socket), so that no io_context thread ever
// waits on Redis. One connection, any number of commands in flight (Redis answers in order),
// safe to call from any thread (hiredis runs on a strand). Connects on the first command, and
// again on the next command after the connection dropped (a Redis restart): commands in flight
// when it drops, or sent while Redis is unreachable, fail with ServiceUnavailable (503).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/redis/redis_reply.hpp"

namespace nelo::redis {

struct ClientOptions {
  std::string url;                                           // redis://... (REDIS_URL)
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};          // then ServiceUnavailable
};

class Client {
 public:
  // Throws std::invalid_argument for a malformed URL; does not connect yet.
  Client(boost::asio::any_io_executor executor, ClientOptions options);
  ~Client();  // drops the connection; commands still in flight fail
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command (its arguments as Redis reads them, binary-safe) and returns the reply,
  // error replies included (Reply::Type::Error: the caller decides what they mean).
  boost::asio::awaitable<Reply> command(std::vector<std::string> args);

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nelo::redis
