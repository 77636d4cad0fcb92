#pragma once
// An asynchronous HTTP/1.1 client for the few calls nelo makes to other HTTP services (a payment
// processor's webhooks, the sandbox processor's API, push webhooks): plain http:// only, a
// deadline on the whole exchange. Connections are kept alive and reused for the same host and
// port (at most 16 idle each, for up to 4 s); a request whose reused connection the server closed
// before answering anything is sent once more on a new one, so callers' requests must be safe to
// receive twice (each of nelo's carries its own id). Beast stays in the .cpp.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nelo::http {

struct OutboundResponse {
  int status = 0;
  std::string body;
};

// The request could not be made or did not complete in time: no status was received.
class OutboundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// POSTs `body` to `url` ("http://host[:port]/path[?query]") with `headers` (a Content-Type among
// them), reading at most 1 MiB of answer. Throws std::invalid_argument for a URL it cannot use and
// OutboundError when the server cannot be reached or `timeout` passes first.
boost::asio::awaitable<OutboundResponse> post(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                                              std::string body, std::chrono::milliseconds timeout);

// The same with another method ("GET", "PUT", ...); a GET without a body sends none.
boost::asio::awaitable<OutboundResponse> send(std::string method, std::string url,
                                              std::vector<std::pair<std::string, std::string>> headers,
                                              std::string body, std::chrono::milliseconds timeout);

}  // namespace nelo::http
