#include "core/http_url.hpp"

#include <boost/url/parse.hpp>

namespace nelo {

std::optional<HttpUrl> parse_http_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) return std::nullopt;
  HttpUrl url;
  url.host = parsed->host();
  url.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  url.path = parsed->encoded_path();
  url.has_query = parsed->has_query();
  if (url.has_query) url.query = parsed->encoded_query();
  url.has_fragment = parsed->has_fragment();
  return url;
}

}  // namespace nelo
