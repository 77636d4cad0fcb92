#pragma once
// The pure part of reading a request, apart from the connection (session.cpp) so that it can be
// tested and fuzzed without a socket (tests/fuzz/http_request_fuzz.cpp): the parser's header
// limit, the Request a handler sees from the request line and headers, its target and the
// X-Forwarded-For chain.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/request.hpp"

namespace nelo::http::detail {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A parser reads the header up to `header_limit` bytes; its body is bounded later, once the
// route (and its own limit) is known.
void limit_header(RequestParser& parser, std::size_t header_limit);

// The Request a handler sees, from the request line and headers (names in lower case).
Request request_from(const RequestParser::value_type& message, std::size_t json_max_depth);

// Fills path, encoded path and query parameters from the request target (origin form, or
// absolute form as RFC 9112 asks servers to accept). False when the target is not a URI.
bool parse_target(Request& request, std::string_view& encoded_path);

// Every X-Forwarded-For header of the request, joined with commas in the order received.
std::optional<std::string> forwarded_for(const Request& request);

}  // namespace nelo::http::detail
