// The HTTP request reader: bytes from a client, read as the server reads them (core/http/
// session.cpp): Beast's parser with the server's header limit, fed in reads of a size the input
// chooses (a slow client, a fast one), several requests in a row on one connection; then what
// the server takes from each request (core/http/request_reader.hpp: headers, target, query,
// X-Forwarded-For), the route match, the body bounded by the route's limit and read as JSON.
// Framing errors are answers (400, 413, 431); nothing may crash, leak, or throw anything but
// Nelo's typed errors.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/http/request.hpp"
#include "core/http/request_id.hpp"
#include "core/http/request_reader.hpp"
#include "core/http/router.hpp"
#include "core/http/trusted_proxies.hpp"
#include "fuzz_support.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using nelo::http::Request;
using nelo::http::detail::RequestParser;

constexpr std::size_t kHeaderLimit = 8 * 1024;     // ServerOptions::header_limit's default
constexpr std::size_t kBodyLimit = 64 * 1024;      // a route's own limit (the default is 1 MiB)
constexpr std::size_t kJsonMaxDepth = 32;
constexpr int kMaxRequestsPerConnection = 4;

// Routes are matched, never run: their handler only has to exist. (Not a coroutine: clang 14
// cannot compile one with libFuzzer's instrumentation, "Cannot represent a difference across
// sections".)
boost::asio::awaitable<nelo::http::Response> never_called(Request&) { throw std::logic_error("never called"); }

nelo::http::Route route(std::string method, std::string path) {
  return nelo::http::Route{std::move(method), std::move(path), nelo::http::Policy::public_access(), never_called,
                           "fuzz", {}, 0};
}

const nelo::http::Router& router() {
  static const nelo::http::Router r = [] {
    nelo::http::Router made;
    made.add(route("GET", "/health/live"));
    made.add(route("POST", "/api/v1/auth/login"));
    made.add(route("GET", "/api/v1/catalog/merchants"));
    made.add(route("GET", "/api/v1/catalog/merchants/{id}/products"));
    made.add(route("PATCH", "/api/v1/users/me/addresses/{id}"));
    made.add(route("POST", "/api/v1/orders/{id}/cancel"));
    return made;
  }();
  return r;
}

const nelo::http::TrustedProxies& proxies() {
  static const auto p = nelo::http::TrustedProxies::parse("10.0.0.0/24, 192.168.1.10, ::1, fd00::/120");
  return p;
}

// A client connection: the input, handed over `chunk` bytes per read.
class Connection {
 public:
  Connection(std::string_view wire, std::size_t chunk) : wire_(wire), chunk_(chunk) {}

  // One more read into the buffer; false at the end of the stream.
  bool read() {
    if (wire_.empty()) return false;
    const std::size_t n = std::min(chunk_, wire_.size());
    auto room = buffer_.prepare(n);
    std::copy_n(wire_.data(), n, static_cast<char*>(room.data()));
    buffer_.commit(n);
    wire_.remove_prefix(n);
    return true;
  }

  // Puts what the buffer holds into the parser, reading more until `done` says so, the parser
  // fails, or the stream ends (then: partial_message or end_of_stream, as Beast's reads say).
  template <class Done>
  beast::error_code parse(RequestParser& parser, Done done) {
    for (;;) {
      beast::error_code ec;
      if (buffer_.size() > 0) {
        const std::size_t used = parser.put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec && ec != bhttp::error::need_more) return ec;
        if (done()) return {};
        if (!ec && used > 0 && buffer_.size() > 0) continue;  // progress: put the rest
      }
      if (!read()) {
        parser.put_eof(ec);
        return ec ? ec : beast::error_code(bhttp::error::end_of_stream);
      }
    }
  }

  bool idle() const { return buffer_.size() == 0 && wire_.empty(); }

 private:
  std::string_view wire_;
  std::size_t chunk_;
  beast::flat_buffer buffer_;
};

// What the server takes from a request's header, checked for what it promises.
void read_header(Request& request) {
  std::string_view encoded_path;
  if (!nelo::http::detail::parse_target(request, encoded_path)) return;  // 400
  nelo::fuzz::check(!encoded_path.empty() && !request.path.empty(), "parse_target left an empty path");
  const auto match = router().match(request.method, encoded_path);
  if (match.route) request.path_params = match.params;
  const auto forwarded = nelo::http::detail::forwarded_for(request);
  const std::string client = proxies().client_address("10.0.0.1", forwarded);
  nelo::fuzz::check(!client.empty(), "client_address is empty");
  if (auto id = request.header("x-request-id")) (void)nelo::http::is_acceptable_request_id(*id);
  (void)request.query("q");
  if (auto type = request.header("content-type")) (void)nelo::http::is_json_content_type(*type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte: how much one read delivers (1 to 255 bytes, or 0: 16 KiB, the server's read).
  const std::size_t chunk = data[0] == 0 ? 16 * 1024 : data[0];
  Connection connection(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), chunk);

  for (int n = 0; n < kMaxRequestsPerConnection && !connection.idle(); ++n) {
    std::optional<RequestParser> parser;
    nelo::http::detail::limit_header(parser.emplace(), kHeaderLimit);
    if (connection.parse(*parser, [&] { return parser->is_header_done(); })) return 0;  // 400, 431, or gone

    const auto& message = parser->get();
    Request request = nelo::http::detail::request_from(message, kJsonMaxDepth);
    const bool keep_alive = message.keep_alive();
    read_header(request);

    if (auto length = parser->content_length(); length && *length > kBodyLimit) return 0;  // 413
    if (!parser->is_done()) {
      parser->body_limit(kBodyLimit);
      parser->eager(true);
      if (connection.parse(*parser, [&] { return parser->is_done(); })) return 0;  // 400, 413, or gone
    }
    request.body = std::move(parser->get().body());
    nelo::fuzz::check(request.body.size() <= kBodyLimit, "a body past the route's limit was read");
    nelo::fuzz::only_typed_errors("Request::json_object", [&] { (void)request.json_object(); });
    if (!keep_alive) return 0;
  }
  return 0;
}
