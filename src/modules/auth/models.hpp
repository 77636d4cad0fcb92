#pragma once
// Domain types of the auth module: accounts, refresh tokens, signing keys.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace nelo::auth {

// The four roles of the platform. A registration may ask for the first three; only customer is
// granted at once, merchant and driver are applied for and approved by an admin.
inline constexpr std::array<std::string_view, 4> kRoles = {"customer", "merchant", "driver", "admin"};
inline constexpr std::array<std::string_view, 3> kSelfAssignableRoles = {"customer", "merchant", "driver"};
inline constexpr std::array<std::string_view, 2> kAppliedForRoles = {"merchant", "driver"};

// An account as stored (the password hash never leaves the module).
struct User {
  std::string id;
  std::string email;  // normalised: trimmed, ASCII lower-case
  std::string name;
  std::vector<std::string> roles;  // sorted, unique, each one of kRoles
  std::optional<Timestamp> disabled_at;
  Timestamp created_at;
  Timestamp updated_at;

  bool disabled() const { return disabled_at.has_value(); }
};

// What login needs: the account and its password hash.
struct Credentials {
  User user;
  std::string password_hash;
};

struct NewUser {
  std::string id;
  std::string email;
  std::string password_hash;
  std::string name;
  std::vector<std::string> roles;
};

// Why a refresh-token family was revoked (auth.refresh_tokens.revoked_reason).
enum class RevokeReason {
  Logout,
  LogoutAll,
  PasswordChanged,
  ReuseDetected,
  UserDisabled,
  RolesChanged,
  SessionLimit,  // a newer login went past the sessions allowed per account
};
std::string_view to_string(RevokeReason reason);

// A refresh token row, the secret itself never stored (token_hash = sha256 hex of it).
struct RefreshTokenRecord {
  std::string id;
  std::string family_id;
  std::string user_id;
  Timestamp issued_at;
  Timestamp expires_at;
  std::optional<Timestamp> used_at;
  std::optional<Timestamp> revoked_at;
};

// What login and refresh hand back.
struct TokenPair {
  std::string access_token;
  std::string token_type = "Bearer";
  std::int64_t expires_in = 0;  // seconds
  std::string refresh_token;
};

// A signing key as stored: the private key sealed with the key-encryption key.
struct SigningKeyRecord {
  std::string kid;
  std::string public_pem;
  std::string private_key_sealed;
  Timestamp created_at;
  Timestamp activated_at;  // signs from then on (may be in the future right after a rotation)
  std::optional<Timestamp> retired_at;  // verifies until then
};

// An application for the merchant or driver role (auth.role_applications), with the account's
// address and name for the admin who decides it.
struct RoleApplication {
  std::string id;
  std::string user_id;
  std::string email;
  std::string name;
  std::string role;    // merchant | driver
  std::string status;  // pending | approved | rejected
  Timestamp created_at;
  std::optional<Timestamp> decided_at;
  std::optional<std::string> decided_by;
};

struct RoleApplicationPage {
  std::vector<RoleApplication> items;
  std::optional<std::string> next_cursor;  // opaque
};

// A page of accounts for the admin list.
struct UserPage {
  std::vector<User> items;
  std::optional<std::string> next_cursor;  // opaque
};

struct UserFilter {
  std::optional<std::string> role;
  std::optional<std::string> email;  // normalised, exact match
};

}  // namespace nelo::auth
