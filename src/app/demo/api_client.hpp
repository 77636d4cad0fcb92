#pragma once
// A small synchronous HTTP/1.1 client for `nelo demo seed`: the seed is an ordinary client of the
// public API, so it needs nothing but a base URL ("http://127.0.0.1:8000") and works against any
// deployment. One connection per request, with a deadline; plain HTTP only.

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace nelo::app::demo {

struct ApiResponse {
  int status = 0;
  std::string content_type;
  std::string body;

  // The body parsed as JSON; throws std::runtime_error quoting the body when it is not.
  boost::json::value json() const;
  // "409 Conflict: An account already exists ..." from a problem+json body, or the raw body.
  std::string describe() const;
};

class ApiClient {
 public:
  // Throws std::invalid_argument for anything but http://host[:port][/prefix].
  explicit ApiClient(const std::string& base_url, std::chrono::seconds timeout = std::chrono::seconds(15));

  // `token` empty: no Authorization header. Throws std::runtime_error when the server cannot be
  // reached or does not answer within the timeout.
  ApiResponse get(std::string_view path, std::string_view token = {}) const;
  ApiResponse post(std::string_view path, const boost::json::value& body, std::string_view token = {}) const;

  const std::string& base_url() const noexcept { return base_url_; }

 private:
  ApiResponse send(std::string_view method, std::string_view path, const std::string* body,
                   std::string_view token) const;

  std::string base_url_;
  std::string host_;
  std::string port_;
  std::string prefix_;  // path prefix without a trailing slash, usually empty
  std::chrono::seconds timeout_;
};

}  // namespace nelo::app::demo
