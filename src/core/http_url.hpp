#pragma once
// The plain http:// URLs nelo's HTTP clients are given (a processor's webhook endpoint, the
// sandbox processor, a push gateway, the demo's API), read with Boost.URL. URL syntax only: a
// module's settings may check one without knowing HTTP (core/http stays in their api/ layer).

#include <optional>
#include <string>
#include <string_view>

namespace nelo {

struct HttpUrl {
  std::string host;
  std::string port;   // "80" when the URL names none
  std::string path;   // percent-encoded as written; empty when the URL has none
  std::string query;  // percent-encoded, without its '?'
  bool has_query = false;
  bool has_fragment = false;
};

// "http://host[:port][/path][?query][#fragment]"; nullopt for anything else: another scheme
// (https:// included: these clients speak plain HTTP), no host, or not a URL at all.
std::optional<HttpUrl> parse_http_url(std::string_view text);

}  // namespace nelo
