#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nelo::test {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("response body is not JSON (" + ec.message() + "): " + body.substr(0, 500));
  return value;
}

std::pair<std::string, std::string> bearer(std::string_view token) {
  return {"Authorization", "Bearer " + std::string(token)};
}

RawConnection::RawConnection(const std::string& host, unsigned short port, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string error = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + error);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawConnection::fill(Clock::time_point deadline) {
  if (peer_closed_) return false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<HttpResponse> RawConnection::parse_one(bool at_eof) {
  for (;;) {
    if (buffer_.empty()) return std::nullopt;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(buffer_), ec);
    if (ec == bhttp::error::need_more) ec = {};
    if (ec) throw std::runtime_error("malformed response (" + ec.message() + "): " + buffer_.substr(0, 300));
    if (!parser.is_done() && at_eof && parser.is_header_done()) {
      parser.put_eof(ec);  // a body delimited by the close
      if (ec) return std::nullopt;
      used = buffer_.size();
    }
    if (!parser.is_done()) return std::nullopt;
    buffer_.erase(0, used);
    auto message = parser.release();
    if (message.result_int() == 100) continue;  // 100 Continue is not the response
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) response.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    response.body = std::move(message.body());
    return response;
  }
}

std::optional<HttpResponse> RawConnection::read_response(std::optional<std::chrono::milliseconds> timeout) {
  auto deadline = Clock::now() + timeout.value_or(timeout_);
  for (;;) {
    if (auto response = parse_one(peer_closed_)) return response;
    if (!fill(deadline)) return parse_one(peer_closed_);
  }
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!peer_closed_) {
    if (!fill(deadline) && !peer_closed_) return false;
  }
  return true;
}

HttpClient::HttpClient(std::string host, unsigned short port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() = default;

void HttpClient::close() { connection_.reset(); }

HttpResponse HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                                 const Headers& headers) {
  std::string text;
  text.reserve(256 + body.size());
  text.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  text.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    if (lower(name) == "content-length" || lower(name) == "transfer-encoding") has_length = true;
    text.append(name).append(": ").append(value).append("\r\n");
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    text.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  text.append("\r\n").append(body);

  // A reused connection may have been closed by the server meanwhile: then retry once on a
  // fresh one (only when nothing at all came back).
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = connection_ && !connection_->closed();
    if (!reused) {
      connection_ = std::make_unique<RawConnection>(host_, port_, timeout_);
      ++connections_opened_;
    }
    bool sent = connection_->send(text);
    std::optional<HttpResponse> response;
    if (sent) response = connection_->read_response();
    if (response) {
      auto connection = response->header("connection");
      if (connection && lower(*connection) == "close") connection_.reset();
      return *response;
    }
    bool retry = reused && connection_->pending().empty() && connection_->closed();
    connection_.reset();
    if (!retry) break;
  }
  throw std::runtime_error("no response to " + std::string(method) + " " + std::string(target));
}

HttpResponse HttpClient::get(std::string_view target, const Headers& headers) {
  return request("GET", target, {}, headers);
}

HttpResponse HttpClient::post_json(std::string_view target, const boost::json::value& body, const Headers& headers) {
  Headers all = headers;
  all.emplace_back("Content-Type", "application/json");
  return request("POST", target, boost::json::serialize(body), all);
}

}  // namespace nelo::test
