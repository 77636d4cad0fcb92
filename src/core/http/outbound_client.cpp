#include "core/http/outbound_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace nelo::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::uint64_t kMaxAnswer = 1 << 20;

struct Target {
  std::string host;
  std::string port;
  std::string path;
};

Target parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    throw std::invalid_argument("not an http:// URL: " + url);
  }
  Target t;
  t.host = parsed->host();
  t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.path = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) t.path += "?" + std::string(parsed->encoded_query());
  return t;
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
  auto executor = co_await asio::this_coro::executor;
  std::string failure;
  try {
    asio::ip::tcp::resolver resolver(executor);
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);  // the whole exchange: connect, write and read
    const auto endpoints = co_await resolver.async_resolve(target.host, target.port, asio::use_awaitable);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    bhttp::request<bhttp::string_body> request(verb, target.path, 11);
    request.set(bhttp::field::host, target.host + ":" + target.port);
    request.set(bhttp::field::user_agent, "nelo");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (verb != bhttp::verb::get || !body.empty()) {
      request.body() = std::move(body);
      request.prepare_payload();
    }
    co_await bhttp::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxAnswer);
    co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    OutboundResponse response;
    response.status = static_cast<int>(parser.get().result_int());
    response.body = std::move(parser.get().body());
    co_return response;
  } catch (const boost::system::system_error& e) {
    failure = e.code() == beast::error::timeout ? "timed out" : e.code().message();
  }
  throw OutboundError("POST " + target.host + ":" + target.port + target.path + ": " + failure);
}

}  // namespace nelo::http
