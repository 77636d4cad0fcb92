#include "modules/auth/models.hpp"

namespace nelo::auth {

std::string_view to_string(RevokeReason reason) {
  switch (reason) {
    case RevokeReason::Logout: return "logout";
    case RevokeReason::LogoutAll: return "logout_all";
    case RevokeReason::PasswordChanged: return "password_changed";
    case RevokeReason::ReuseDetected: return "reuse_detected";
    case RevokeReason::UserDisabled: return "user_disabled";
    case RevokeReason::RolesChanged: return "roles_changed";
    case RevokeReason::SessionLimit: return "session_limit";
  }
  return "logout";
}

}  // namespace nelo::auth
