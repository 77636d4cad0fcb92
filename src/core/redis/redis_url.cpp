#include "core/redis/redis_url.hpp"

#include <boost/url/parse.hpp>

#include <charconv>
#include <stdexcept>

namespace nelo::redis {

namespace {

int read_number(std::string_view text, int low, int high, const char* what) {
  int value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    throw std::invalid_argument(std::string("REDIS_URL: ") + what + " must be a number in [" + std::to_string(low) +
                                ", " + std::to_string(high) + "]");
  }
  return value;
}

}  // namespace

Endpoint parse_redis_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) throw std::invalid_argument("REDIS_URL: not a URL");
  const auto& url = *parsed;
  if (url.scheme() != "redis") throw std::invalid_argument("REDIS_URL: the scheme must be redis://");
  Endpoint out;
  out.host = url.host_address();
  if (out.host.empty()) throw std::invalid_argument("REDIS_URL: no host");
  if (url.has_port()) out.port = read_number(url.port(), 1, 65535, "the port");
  if (url.has_userinfo()) {
    out.user = url.user();
    if (url.has_password()) out.password = url.password();
  }
  std::string path = url.path();
  if (!path.empty() && path != "/") out.database = read_number(std::string_view(path).substr(1), 0, 1 << 20, "the database");
  return out;
}

}  // namespace nelo::redis
