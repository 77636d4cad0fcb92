#pragma once
// A small synchronous HTTP/1.1 client for tests, over plain sockets with timeouts:
//   HttpClient client("127.0.0.1", port);
//   auto r = client.request("POST", "/path", body, {{"Content-Type", "application/json"}});
//   EXPECT_EQ(r.status, 201); r.json().at("id");
// It keeps one connection alive across requests (reconnecting when the server closed it) and
// counts connections, so keep-alive is testable. RawConnection sends arbitrary bytes and reads
// what comes back, for malformed requests, limits and timeouts.

#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nelo::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased, in order received
  std::string body;

  // Case-insensitive; the first occurrence.
  std::optional<std::string> header(std::string_view name) const;
  // The body parsed as JSON; throws std::runtime_error (with the body) when it is not.
  boost::json::value json() const;
};

// {"Authorization", "Bearer <token>"}
std::pair<std::string, std::string> bearer(std::string_view token);

class RawConnection {
 public:
  // Connects (throws std::runtime_error on failure).
  RawConnection(const std::string& host, unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the peer has closed or reset the connection.
  bool send(std::string_view bytes);
  // One complete response, or nullopt when the connection closed or `timeout` passed first.
  std::optional<HttpResponse> read_response(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // True when the peer closes (EOF or reset) within `timeout`; bytes received meanwhile are kept
  // for read_response.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Bytes received and not yet consumed by read_response.
  const std::string& pending() const noexcept { return buffer_; }
  bool closed() const noexcept { return fd_ < 0 || peer_closed_; }

 private:
  // Reads what is available within the deadline; false on timeout, EOF or error.
  bool fill(std::chrono::steady_clock::time_point deadline);
  std::optional<HttpResponse> parse_one(bool at_eof);

  int fd_ = -1;
  bool peer_closed_ = false;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();

  // Sends one request and reads its response. Adds Host and, for a non-empty body,
  // Content-Length; everything else comes from `headers`. Throws std::runtime_error when no
  // response arrives.
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       const Headers& headers = {});
  HttpResponse get(std::string_view target, const Headers& headers = {});
  // Serializes `body` and sends it as application/json.
  HttpResponse post_json(std::string_view target, const boost::json::value& body, const Headers& headers = {});

  std::size_t connections_opened() const noexcept { return connections_opened_; }
  void close();

 private:
  std::string host_;
  unsigned short port_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<RawConnection> connection_;
  std::size_t connections_opened_ = 0;
};

}  // namespace nelo::test
