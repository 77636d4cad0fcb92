#pragma once
// When an access token expires: its "exp" claim (Unix seconds), read without checking anything.
// Only for a token an AccessTokenVerifier has just accepted (a long-lived connection that must
// end when its token does); never a substitute for verification.

#include <cstdint>
#include <optional>
#include <string_view>

namespace nelo::security {

// nullopt when the token is not three base64url parts with a JSON payload holding an integer exp.
std::optional<std::int64_t> verified_token_expiry(std::string_view token);

}  // namespace nelo::security
