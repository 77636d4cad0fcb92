#pragma once
// A one-thread HTTP/1.1 endpoint on 127.0.0.1 standing in for another service in tests of nelo's
// outbound calls (the sandbox's webhooks, push gateways). It serves one connection at a time,
// reads each request (its head and a Content-Length body), records it and answers what `answer`
// says, keeping the connection open or closing it as told, until it is destroyed.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nelo::test {

struct LoopbackRequest {
  std::string head;  // request line and headers, up to and with the blank line
  std::string body;
  int connection = 0;     // which connection it came on: 1, 2, ...
  int on_connection = 0;  // its rank on that connection: 1, 2, ...
  int number = 0;         // its rank in the endpoint's life: 1, 2, ...
};

struct LoopbackReply {
  enum class Then {
    Close,         // answer with "Connection: close", then close
    KeepAlive,     // answer, and wait for the next request on the connection
    CloseQuietly,  // answer as if the connection stayed open, then close it
    Drop,          // close without answering
    Hang,          // answer nothing for 300 ms, then close
  };
  int status = 200;
  std::string body = "ok";
  Then then = Then::Close;
};

class LoopbackHttpEndpoint {
 public:
  using Answer = std::function<LoopbackReply(const LoopbackRequest&)>;
  // `path` is the one url() names; requests to any path are served.
  explicit LoopbackHttpEndpoint(Answer answer, std::string path = "/hook");
  ~LoopbackHttpEndpoint();  // ends the connection being served, then the thread
  LoopbackHttpEndpoint(const LoopbackHttpEndpoint&) = delete;
  LoopbackHttpEndpoint& operator=(const LoopbackHttpEndpoint&) = delete;

  std::string url() const;
  std::vector<LoopbackRequest> received() const;
  int connections() const;

  struct State;  // the socket, the thread and what was received (loopback_http_endpoint.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nelo::test
