#include "core/http/response.hpp"

#include "core/json_text.hpp"

namespace nelo::http {

Response Response::json(const boost::json::value& value, int status) { return json_text(to_json_text(value), status); }

Response Response::json_text(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace nelo::http
