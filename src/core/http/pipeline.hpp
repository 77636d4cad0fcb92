#pragma once
// What happens to a fully read request: routing result, authentication, authorization, media
// type, the handler, and the mapping of whatever it throws. Beast-free, so it is testable with
// a hand-made Request.

#include <boost/asio/awaitable.hpp>

#include "core/http/request.hpp"
#include "core/http/response.hpp"
#include "core/http/router.hpp"

namespace nelo {
class AccessTokenVerifier;
}

namespace nelo::http {

// Fills request.path_params (moved out of the match), route_template and principal, then runs
// the route's handler. Never throws: every failure comes back as a problem response. Both
// arguments are references the caller keeps alive (g++ 12 mishandles aggregate temporaries
// inside co_await).
boost::asio::awaitable<Response> run_pipeline(Router::Match& match, Request& request,
                                              const AccessTokenVerifier* verifier);

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive), or "".
std::string_view bearer_token(std::string_view authorization) noexcept;

}  // namespace nelo::http
