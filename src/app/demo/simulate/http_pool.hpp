#pragma once
// The simulator's HTTP/1.1 client: many requests at once from one io_context, over a pool of
// keep-alive connections to one server (hundreds of drivers pinging cannot afford a connection,
// let alone a thread, per request). A request waits for a free connection when all are busy, so
// the pool size is also the most requests the simulator has in flight: keep it under the
// server's NELO_HTTP_MAX_IN_FLIGHT, or the server refuses the excess with 503.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "app/demo/api_client.hpp"

namespace nelo::app::demo::sim {

class HttpPool {
 public:
  // `base_url`: http://host[:port][/prefix] (checked beforehand: throws std::invalid_argument).
  HttpPool(boost::asio::any_io_executor executor, const std::string& base_url, std::size_t max_connections,
           std::chrono::seconds timeout = std::chrono::seconds(30));
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  // One request and its answer, whatever its status. `token` empty: no Authorization; `body`
  // empty: none; `idempotency_key` empty: no Idempotency-Key. A connection the server closed
  // while idle is replaced and the request sent again once. Throws std::runtime_error when no
  // answer comes (refused, reset, timed out, or the pool closed).
  boost::asio::awaitable<ApiResponse> send(std::string method, std::string path, std::string token,
                                           std::string body = {}, std::string idempotency_key = {});

  // Requests sent so far, and connections opened (a pool that keeps them alive opens few).
  std::int64_t requests() const noexcept;
  std::int64_t connections_opened() const noexcept;

  // Closes idle connections and fails the requests waiting for one; requests in flight finish.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nelo::app::demo::sim
