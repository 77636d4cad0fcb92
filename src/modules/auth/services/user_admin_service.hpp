#pragma once
// What admins do to accounts: list them, set their roles, disable and enable them.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/security/principal.hpp"
#include "modules/auth/models.hpp"
#include "modules/auth/repositories/refresh_token_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"
#include "modules/auth/services/session_revocations.hpp"

namespace nelo::auth {

inline constexpr std::size_t kDefaultPageSize = 20;
inline constexpr std::size_t kMaxPageSize = 100;

// Opaque cursors of the admin list (the last id of a page).
std::string encode_user_cursor(const std::string& last_id);
// nullopt when the text is not a cursor this service made.
std::optional<std::string> decode_user_cursor(std::string_view cursor);

class UserAdminService {
 public:
  UserAdminService(db::ModuleDb& db, UserRepository& users, RefreshTokenRepository& refresh_tokens,
                   SessionRevocations& revocations)
      : db_(db), users_(users), refresh_tokens_(refresh_tokens), revocations_(revocations) {}

  // limit is clamped to 1..100. ValidationError on a cursor this service did not make or an unknown role.
  boost::asio::awaitable<UserPage> list(UserFilter filter, std::size_t limit, std::optional<std::string> cursor);
  boost::asio::awaitable<User> get(const std::string& id);

  // Replaces the roles. Removing a role revokes the user's sessions, so the removal applies at
  // once rather than at the next refresh; adding one applies at the next refresh. An admin
  // cannot remove their own admin role (Conflict): someone must remain able to undo mistakes.
  boost::asio::awaitable<User> set_roles(const Principal& actor, const std::string& id, std::vector<std::string> roles);
  // Disabling revokes every session of the account; admins cannot disable themselves (Conflict).
  boost::asio::awaitable<User> disable(const Principal& actor, const std::string& id);
  boost::asio::awaitable<User> enable(const std::string& id);

 private:
  db::ModuleDb& db_;
  UserRepository& users_;
  RefreshTokenRepository& refresh_tokens_;
  SessionRevocations& revocations_;
};

}  // namespace nelo::auth
