#include "core/http/pipeline.hpp"

#include <exception>
#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "core/http/protocol_errors.hpp"
#include "core/http/ascii.hpp"
#include "core/http/problem.hpp"
#include "core/security/token_verifier.hpp"
#include "core/utf8.hpp"

namespace nelo::http {

namespace {

void authorize(const Route& route, Request& request, const AccessTokenVerifier* verifier) {
  if (route.policy.kind() == Policy::Kind::Public) return;
  auto header = request.header("authorization");
  if (!header) throw Unauthorized();
  std::string_view token = bearer_token(*header);
  if (token.empty()) throw Unauthorized("The Authorization header must be \"Bearer <access token>\"");
  if (!verifier) throw Unauthorized("Access tokens cannot be verified by this server");
  request.principal = verifier->verify(token);
  if (route.policy.kind() == Policy::Kind::Roles) {
    for (const auto& role : route.policy.allowed_roles()) {
      if (request.principal->has_role(role)) return;
    }
    throw Forbidden();
  }
}

// Percent-decoding can produce any byte: a path or query that is not text never reaches a handler
// (nor a database, which would refuse it with an error of its own).
void require_text_target(const Request& request) {
  if (!is_valid_utf8(request.path)) throw BadRequest("The request path is not valid UTF-8 once percent-decoded");
  for (const auto& [name, value] : request.query_params) {
    if (!is_valid_utf8(name) || !is_valid_utf8(value)) {
      throw BadRequest("The query parameter \"" + (is_valid_utf8(name) ? name : std::string("?")) +
                       "\" is not valid UTF-8 once percent-decoded");
    }
  }
}

}  // namespace

std::string_view bearer_token(std::string_view authorization) noexcept {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !ascii_iequals(authorization.substr(0, kScheme.size()), kScheme)) return {};
  std::string_view rest = authorization.substr(kScheme.size());
  if (rest.front() != ' ') return {};
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.find(' ') != std::string_view::npos) return {};
  return rest;
}

std::exception_ptr admit_request(Router::Match& match, Request& request,
                                 const AccessTokenVerifier* verifier) noexcept {
  try {
    require_text_target(request);
    if (!match.route) {
      if (match.allow.empty()) throw NotFound("No resource matches this path");
      throw MethodNotAllowed(match.allow);
    }
    const Route& route = *match.route;
    request.route_template = route.path;
    request.path_params = std::move(match.params);
    authorize(route, request, verifier);
    return nullptr;
  } catch (...) {
    return std::current_exception();
  }
}

boost::asio::awaitable<Response> run_handler(const Route& route, Request& request) {
  std::exception_ptr error;
  try {
    if (!request.body.empty()) {
      auto type = request.header("content-type");
      if (!type || !is_json_content_type(*type)) throw UnsupportedMediaType();
    }
    Response response = co_await route.handler(request);
    // A 1xx would need an upgrade or a second response; anything outside 200..599 is no answer.
    if (response.status < 200 || response.status > 599) {
      throw std::logic_error("handler for " + route.method + " " + route.path + " returned status " +
                             std::to_string(response.status));
    }
    co_return response;
  } catch (...) {
    error = std::current_exception();
  }
  co_return problem_response(error, request);
}

}  // namespace nelo::http
