#pragma once
// Checks of RFC 9457 problem responses (application/problem+json), shared by every suite that
// talks HTTP to nelo.

#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace nelo::test {

// EXPECTs that `r` is a problem+json answer with `status` whose body repeats the status and has
// a type and a title.
void expect_problem(const HttpResponse& r, int status);

// The `field` of each entry of the body's `errors` (validation details), in the order the server
// gave them; empty when there are none. With gmock: EXPECT_THAT(error_fields(r), Contains("name")).
std::vector<std::string> error_fields(const HttpResponse& r);

}  // namespace nelo::test
