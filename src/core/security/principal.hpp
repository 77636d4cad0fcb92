#pragma once
// Who is calling: established by the authentication middleware from a verified access token.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace nelo {

struct Principal {
  std::string user_id;             // UUID (the token's "sub")
  std::vector<std::string> roles;  // "customer", "merchant", "driver", "admin"
  std::string token_id;            // the token's "jti"
  std::string session_id{};        // the token's "sid" (the login session); empty when absent

  bool has_role(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  bool is_admin() const { return has_role("admin"); }
};

}  // namespace nelo
