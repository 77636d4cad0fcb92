#pragma once
// What happens to a request: routing result, authentication and authorization (before its body
// is read), then media type, the handler, and the mapping of whatever it throws. Beast-free, so
// it is testable with a hand-made Request.

#include <boost/asio/awaitable.hpp>

#include <exception>

#include "core/http/request.hpp"
#include "core/http/response.hpp"
#include "core/http/router.hpp"

namespace nelo {
class AccessTokenVerifier;
}

namespace nelo::http {

// The checks that need only the request line and headers, run before the body is read (so an
// anonymous client cannot make the server buffer a body for a route it may not call): the
// decoded path and query are UTF-8 (400), a route matches (404, 405), and its policy accepts
// the caller's token (401, 403). Fills request.path_params (moved out of the match),
// route_template and principal. Null when the request may go on; else the error to answer.
std::exception_ptr admit_request(Router::Match& match, Request& request,
                                 const AccessTokenVerifier* verifier) noexcept;

// The rest, once admit_request() accepted the request and its body is read: the media type,
// the route's handler, and the mapping of whatever it throws. Never throws: every failure comes
// back as a problem response. Both arguments are references the caller keeps alive (g++ 12
// mishandles aggregate temporaries inside co_await).
boost::asio::awaitable<Response> run_handler(const Route& route, Request& request);

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive), or "".
std::string_view bearer_token(std::string_view authorization) noexcept;

}  // namespace nelo::http
