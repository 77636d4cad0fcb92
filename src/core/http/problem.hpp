#pragma once
// The one place that turns errors into RFC 9457 application/problem+json responses.

#include <exception>
#include <string_view>

#include "core/errors.hpp"
#include "core/http/request.hpp"
#include "core/http/response.hpp"

namespace nelo::http {

// The status an error's kind calls for (a ProtocolError carries its own).
int status_of(const Error& error);

// nelo::Error subclasses keep their status, title and detail, with the headers their status
// calls for (Allow, Retry-After, WWW-Authenticate). Anything else is a 500 with a generic
// detail; its text is logged at error level and never sent.
Response problem_response(std::exception_ptr error, const Request& request);

// For errors raised before a Request exists (framing errors: 400, 408, 413, 431).
Response problem_response(const Error& error, std::string_view instance, std::string_view request_id,
                          bool had_credentials = false);

}  // namespace nelo::http
