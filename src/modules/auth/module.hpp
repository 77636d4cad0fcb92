#pragma once
// Entry point of the auth module: the composition root calls make_module() and uses the few
// extra hooks below (token verification for the HTTP server, and two operator commands).

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <span>
#include <string>

#include "core/db/migration.hpp"
#include "core/security/token_verifier.hpp"
#include "modules/auth/services/auth_settings.hpp"
#include "shared/interfaces/account_interface.hpp"
#include "shared/module.hpp"
#include "shared/module_context.hpp"

namespace nelo::auth {

// Embedded migrations/*.sql (generated at build time).
std::span<const db::MigrationFile> migrations();

class AuthModule : public Module {
 public:
  // Verifies bearer access tokens for the HTTP server: signature (ES256, keys of this module),
  // claims, and revoked sessions. Valid from construction; knows keys once start() has run.
  virtual const AccessTokenVerifier& token_verifier() const = 0;
  // The in-process AccountInterface (who holds a role), for notifications. Lives as long as the
  // module.
  virtual AccountInterface& account_interface() = 0;
  // `nelo admin create --email E --name N` (password read from stdin by the CLI); returns the
  // user id. Throws ValidationError on a bad e-mail, name or password and Conflict if the e-mail
  // exists. Needs migrations, not start().
  virtual boost::asio::awaitable<std::string> create_admin(std::string email, std::string name,
                                                           std::string password) = 0;
  // `nelo auth rotate-keys`; returns the new kid. Needs migrations and
  // NELO_JWT_KEY_ENCRYPTION_KEY, not start().
  virtual boost::asio::awaitable<std::string> rotate_keys() = 0;
  // `nelo auth revoke-key KID`: a compromised key stops verifying and signing; returns what was
  // done, for the operator. Throws KeyRingError for an unknown kid. Needs migrations, not start().
  virtual boost::asio::awaitable<std::string> revoke_key(std::string kid) = 0;
};

// Reads the NELO_AUTH_* settings (throws std::invalid_argument on a bad value) and builds the
// password hasher (one ~50 ms hash: call it at start-up, not on an I/O thread).
std::unique_ptr<AuthModule> make_module(const ModuleContext& context);
// The same with explicit settings instead of the environment (tests, tools).
std::unique_ptr<AuthModule> make_module(const ModuleContext& context, AuthSettings settings);

}  // namespace nelo::auth
