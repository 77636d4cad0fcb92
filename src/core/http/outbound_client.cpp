#include "core/http/outbound_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/http_url.hpp"

namespace nelo::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint64_t kMaxAnswer = 1 << 20;
// Idle connections kept per host and port, and for how long: well under the usual servers'
// keep-alive timeouts (nelo's is 60 s, nginx's 75 s), so that few are closed under our feet.
constexpr std::size_t kMaxIdlePerHost = 16;
constexpr auto kMaxIdle = std::chrono::seconds(4);

struct Target {
  std::string host;
  std::string port;
  std::string path;
};

Target parse_target(const std::string& url) {
  auto parsed = parse_http_url(url);
  if (!parsed) throw std::invalid_argument("not an http:// URL: " + url);
  Target t{std::move(parsed->host), std::move(parsed->port), parsed->path.empty() ? "/" : std::move(parsed->path)};
  if (parsed->has_query) t.path += "?" + parsed->query;
  return t;
}

// A kept-alive connection between two exchanges: its socket alone, outside any io_context, so
// that it outlives the coroutine (and the io_context) that opened it.
struct IdleSocket {
  int fd = -1;
  asio::ip::tcp protocol = asio::ip::tcp::v4();
  SteadyClock::time_point since;
};

// Whether the peer still holds the connection open and sent nothing unasked: nothing to read
// yet (EAGAIN). A close (0 bytes), stray bytes or an error all mean it cannot be reused.
bool still_open(int fd) {
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// The process's idle connections, by "host:port".
class IdleConnections {
 public:
  std::optional<IdleSocket> take(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(key);
    if (it == idle_.end()) return std::nullopt;
    auto& sockets = it->second;
    while (!sockets.empty()) {
      IdleSocket s = sockets.back();  // the most recently used is the likeliest to be open
      sockets.pop_back();
      if (SteadyClock::now() - s.since < kMaxIdle && still_open(s.fd)) return s;
      ::close(s.fd);
    }
    return std::nullopt;
  }

  void give(const std::string& key, IdleSocket s) {
    std::lock_guard lock(mutex_);
    auto& sockets = idle_[key];
    if (sockets.size() >= kMaxIdlePerHost) {
      ::close(s.fd);
      return;
    }
    s.since = SteadyClock::now();
    sockets.push_back(s);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<IdleSocket>> idle_;
};

IdleConnections& idle_connections() {
  static IdleConnections* connections = new IdleConnections;  // never destroyed: used until exit
  return *connections;
}

bhttp::request<bhttp::string_body> make_request(bhttp::verb verb, const Target& target,
                                                const std::vector<std::pair<std::string, std::string>>& headers,
                                                std::string body) {
  bhttp::request<bhttp::string_body> request(verb, target.path, 11);
  request.set(bhttp::field::host, target.host + ":" + target.port);
  request.set(bhttp::field::user_agent, "nelo");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (verb != bhttp::verb::get || !body.empty()) {
    request.body() = std::move(body);
    request.prepare_payload();
  }
  return request;
}

}  // namespace

asio::awaitable<OutboundResponse> post(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                                       std::string body, std::chrono::milliseconds timeout) {
  co_return co_await send("POST", std::move(url), std::move(headers), std::move(body), timeout);
}

asio::awaitable<OutboundResponse> send(std::string method, std::string url,
                                       std::vector<std::pair<std::string, std::string>> headers, std::string body,
                                       std::chrono::milliseconds timeout) {
  const bhttp::verb verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) throw std::invalid_argument("outbound: unknown method " + method);
  const Target target = parse_target(url);
  const std::string key = target.host + ":" + target.port;
  const auto deadline = SteadyClock::now() + timeout;  // the whole exchange, a retry included
  auto executor = co_await asio::this_coro::executor;
  const auto request = make_request(verb, target, headers, std::move(body));
  std::string failure;
  // A kept-alive connection first, if one is idle. The server may close it just as we send: when
  // it answered nothing, the request goes once more on a new connection (the usual rule for
  // reused connections; webhooks and the sandbox's calls are idempotent by their ids).
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<IdleSocket> idle = attempt == 0 ? idle_connections().take(key) : std::nullopt;
    const bool reused = idle.has_value();
    beast::tcp_stream stream(executor);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxAnswer);
    try {
      stream.expires_at(deadline);
      if (reused) {
        stream.socket().assign(idle->protocol, idle->fd);
      } else {
        asio::ip::tcp::resolver resolver(executor);
        const auto endpoints = co_await resolver.async_resolve(target.host, target.port, asio::use_awaitable);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
      }
      co_await bhttp::async_write(stream, request, asio::use_awaitable);
      beast::flat_buffer buffer;
      co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
      OutboundResponse response;
      response.status = static_cast<int>(parser.get().result_int());
      response.body = std::move(parser.get().body());
      if (parser.get().keep_alive() && buffer.size() == 0) {
        const auto protocol = stream.socket().local_endpoint().protocol();
        idle_connections().give(key, IdleSocket{stream.release_socket().release(), protocol, {}});
      } else {
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      }
      co_return response;
    } catch (const boost::system::system_error& e) {
      failure = e.code() == beast::error::timeout ? "timed out" : e.code().message();
      const bool unanswered = !parser.got_some() && e.code() != beast::error::timeout;
      if (reused && unanswered) continue;
    }
    break;
  }
  throw OutboundError(method + " " + target.host + ":" + target.port + target.path + ": " + failure);
}

}  // namespace nelo::http
