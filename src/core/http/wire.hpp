#pragma once
// The status line and headers of a response, written by hand: the server owns framing
// (Content-Length, Connection) and the request id; handlers' own headers are checked so that
// none can inject a line or contradict the framing.

#include <string>
#include <string_view>

#include "core/http/response.hpp"

namespace nelo::http {

struct HeadOptions {
  std::string_view request_id;
  bool keep_alive = true;
  bool http10 = false;  // HTTP/1.0 clients need an explicit "Connection: keep-alive"
};

// Appends the response head (ending with the blank line) to `out`. Whether a body follows is
// body_allowed(status).
void append_response_head(std::string& out, const Response& response, const HeadOptions& options);

// 1xx, 204 and 304 responses carry no body.
bool body_allowed(int status) noexcept;

// RFC 9110 token / field-value checks used for handler-supplied headers.
bool is_token(std::string_view s) noexcept;
bool is_field_value(std::string_view s) noexcept;

}  // namespace nelo::http
