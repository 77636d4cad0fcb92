#pragma once
// Accounts and sessions: registration, login, refresh-token rotation with reuse detection,
// logout, password change. Plain class, no HTTP: the routes parse and serialize around it.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "core/security/password_hasher.hpp"
#include "core/security/principal.hpp"
#include "core/time.hpp"
#include "modules/auth/models.hpp"
#include "modules/auth/repositories/refresh_token_repository.hpp"
#include "modules/auth/repositories/role_application_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"
#include "modules/auth/services/auth_settings.hpp"
#include "modules/auth/services/key_ring.hpp"
#include "modules/auth/services/login_throttle.hpp"
#include "modules/auth/services/session_revocations.hpp"

namespace nelo::metrics {
class Counter;
class Registry;
}  // namespace nelo::metrics
namespace nelo::events {
class EventBus;
}

namespace nelo::auth {

struct Registration {
  std::string email;
  std::string password;
  std::string name;
  // customer, or merchant / driver: applied for (the account starts as a customer).
  std::string role = "customer";
};

// A new account, and its application when it asked for merchant or driver.
struct Registered {
  User user;
  std::optional<RoleApplication> application;
};

struct PasswordChange {
  std::string current_password;
  std::string new_password;
};

// The collaborators of the service, owned by the module.
struct AuthServiceDeps {
  db::ModuleDb& db;
  events::EventBus& bus;
  UserRepository& users;
  RefreshTokenRepository& refresh_tokens;
  RoleApplicationRepository& applications;
  LoginThrottle& throttle;
  KeyRing& keys;
  SessionRevocations& revocations;
  security::PasswordHasher& hasher;
  const AuthSettings& settings;
  const Clock& clock;
  metrics::Registry& metrics;
};

class AuthService {
 public:
  explicit AuthService(AuthServiceDeps deps);

  // Self-registration as a customer; asking for merchant or driver leaves a pending application
  // an admin decides (RoleApplicationService). Throws ValidationError (every bad field at once),
  // TooManyRequests past the registrations allowed from `client_address`, and Conflict on a
  // taken e-mail (before any hashing). Publishes user.registered.
  boost::asio::awaitable<Registered> register_user(Registration registration, std::string client_address);
  // `nelo admin create`: the same with the admin role.
  boost::asio::awaitable<User> create_admin(std::string email, std::string name, std::string password);

  // Unknown e-mail, wrong password and disabled account are the same Unauthorized, in
  // comparable time. TooManyRequests when the account or the address is throttled.
  boost::asio::awaitable<TokenPair> login(std::string email, std::string password, std::string client_address);
  // Rotates the refresh token. A token that was already used revokes its whole family.
  boost::asio::awaitable<TokenPair> refresh(std::string refresh_token);

  // Revokes the family of `refresh_token` if it is the caller's, or the caller's current
  // session when no token is given. Unknown or foreign tokens are ignored (no oracle).
  boost::asio::awaitable<void> logout(const Principal& caller, std::optional<std::string> refresh_token);
  boost::asio::awaitable<void> logout_all(const Principal& caller);
  // ValidationError on current_password when it is wrong (counted like a failed login); on
  // success every other session of the caller is revoked.
  boost::asio::awaitable<void> change_password(const Principal& caller, PasswordChange change,
                                               std::string client_address);

 private:
  // `client_address`: the self-registration's, throttled; none for `nelo admin create`.
  boost::asio::awaitable<Registered> create_account(Registration registration, bool admin,
                                                    std::optional<std::string> client_address);
  boost::asio::awaitable<void> upgrade_hash(const std::string& user_id, const std::string& old_hash,
                                            std::string password);
  // A new session for `user` (after its credentials were checked), in its own transaction.
  boost::asio::awaitable<TokenPair> start_session(const User& user);
  // The next refresh token of `family_id` and a fresh access token, within `tx`.
  boost::asio::awaitable<TokenPair> issue(db::Transaction& tx, const User& user, const std::string& family_id);

  AuthServiceDeps d_;
  metrics::Counter* logins_success_;
  metrics::Counter* logins_failure_;
  metrics::Counter* logins_throttled_;
  metrics::Counter* refresh_success_;
  metrics::Counter* refresh_rejected_;
  metrics::Counter* refresh_reuse_;
};

}  // namespace nelo::auth
