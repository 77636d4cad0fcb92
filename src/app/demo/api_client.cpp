#include "app/demo/api_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <stdexcept>

#include "core/http_url.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;

json::value ApiResponse::json() const {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec) throw std::runtime_error("expected JSON, got HTTP " + std::to_string(status) + ": " + body.substr(0, 300));
  return value;
}

std::string ApiResponse::describe() const {
  std::string out = "HTTP " + std::to_string(status);
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (!ec && value.is_object()) {
    const auto& problem = value.as_object();
    if (const auto* detail = problem.if_contains("detail"); detail && detail->is_string()) {
      out += ": " + std::string(detail->as_string());
    }
    if (const auto* errors = problem.if_contains("errors"); errors && errors->is_array()) {
      for (const auto& e : errors->as_array()) {
        if (!e.is_object()) continue;
        const auto* field = e.as_object().if_contains("field");
        const auto* message = e.as_object().if_contains("message");
        if (field && message && field->is_string() && message->is_string()) {
          out += "; " + std::string(field->as_string()) + " " + std::string(message->as_string());
        }
      }
    }
    return out;
  }
  if (!body.empty()) out += ": " + body.substr(0, 300);
  return out;
}

ApiClient::ApiClient(const std::string& base_url, std::chrono::seconds timeout) : base_url_(base_url), timeout_(timeout) {
  auto url = parse_http_url(base_url);
  if (!url || url->has_query || url->has_fragment) {
    throw std::invalid_argument("expected a URL like http://127.0.0.1:8000, got '" + base_url + "'");
  }
  host_ = std::move(url->host);
  port_ = std::move(url->port);
  prefix_ = std::move(url->path);
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
}

ApiResponse ApiClient::get(std::string_view path, std::string_view token) const {
  return send("GET", path, nullptr, token);
}

ApiResponse ApiClient::post(std::string_view path, const json::value& body, std::string_view token) const {
  const std::string text = to_json_text(body);
  return send("POST", path, &text, token);
}

ApiResponse ApiClient::send(std::string_view method, std::string_view path, const std::string* body,
                            std::string_view token) const {
  const std::string target = prefix_ + std::string(path);
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout_);
    stream.connect(resolver.resolve(host_, port_));

    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, host_ + ":" + port_);
    request.set(http::field::user_agent, "nelo-demo-seed");
    request.set(http::field::accept, "application/json");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + std::string(token));
    if (body) {
      request.set(http::field::content_type, "application/json");
      request.body() = *body;
    }
    request.keep_alive(false);
    request.prepare_payload();
    http::write(stream, request);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    http::read(stream, buffer, parser);
    auto& response = parser.get();
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);

    ApiResponse out;
    out.status = static_cast<int>(response.result_int());
    out.content_type = std::string(response[http::field::content_type]);
    out.body = std::move(response.body());
    return out;
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(std::string(method) + " " + base_url_ + std::string(path) + ": " + e.code().message());
  }
}

}  // namespace nelo::app::demo
