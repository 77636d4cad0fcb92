#include "core/http/request_reader.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdint>

#include "core/http/ascii.hpp"

namespace nelo::http::detail {

void limit_header(RequestParser& parser, std::size_t header_limit) {
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(header_limit, UINT32_MAX)));
  parser.body_limit(boost::none);  // checked against the route's limit once the route is known
}

Request request_from(const RequestParser::value_type& message, std::size_t json_max_depth) {
  Request request;
  request.method = message.method_string();
  request.target = message.target();
  request.json_max_depth = json_max_depth;
  for (const auto& field : message) {
    std::string name(field.name_string());
    ascii_lower_in_place(name);
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  return request;
}

bool parse_target(Request& request, std::string_view& encoded_path) {
  // A URI is visible ASCII (RFC 3986), but Beast lets bytes from 0x80 up through (obs-text).
  // Boost.URL refuses them too, yet its debug build asserts on some ("a:\x81", found by
  // tests/fuzz/http_request_fuzz.cpp): refuse them first.
  for (char c : request.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  auto origin = boost::urls::parse_origin_form(request.target);
  boost::urls::url_view url;
  if (origin) {
    url = *origin;
  } else {
    // The absolute form names an http(s) URI, which always has an authority ("scheme://host").
    // One without ("a:b", "t:?") is refused before Boost.URL 1.81 reads it as a rootless path,
    // whose segments it miscounts (boostorg/url issue 665; found by http_request_fuzz.cpp).
    const auto colon = request.target.find(':');
    if (colon == std::string::npos || request.target.compare(colon, 3, "://") != 0) return false;
    auto absolute = boost::urls::parse_absolute_uri(request.target);
    if (!absolute) return false;
    url = *absolute;
  }
  encoded_path = url.encoded_path();
  if (encoded_path.empty()) encoded_path = "/";
  request.path = url.path();
  if (request.path.empty()) request.path = "/";
  if (url.has_query()) {
    for (auto param : url.params()) request.query_params.emplace_back(param.key, param.value);
  }
  return true;
}

std::optional<std::string> forwarded_for(const Request& request) {
  std::optional<std::string> joined;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (joined) {
      *joined += ',';
      *joined += value;
    } else {
      joined = value;
    }
  }
  return joined;
}

}  // namespace nelo::http::detail
