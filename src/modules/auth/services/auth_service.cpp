#include "modules/auth/services/auth_service.hpp"

#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include <exception>

#include "core/errors.hpp"
#include "core/metrics/registry.hpp"
#include "core/security/tokens.hpp"
#include "core/text.hpp"
#include "core/uuid.hpp"
#include "modules/auth/services/credential_rules.hpp"
#include "modules/auth/services/role_application_service.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::auth {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kEmailTaken = "An account already exists for this email address";
constexpr const char* kBadCredentials = "The email or password is incorrect";
constexpr const char* kBadRefreshToken = "The refresh token is invalid, expired or revoked";
// Our tokens are 43 characters; anything much longer is not worth hashing.
constexpr std::size_t kMaxRefreshTokenLength = 256;

void validate_registration(const Registration& r, bool admin) {
  Validator v;
  if (auto problem = email_problem(r.email)) v.add("email", *problem);
  if (auto problem = password_problem(r.password)) v.add("password", *problem);
  if (auto problem = name_problem(r.name)) v.add("name", *problem);
  if (!admin && !is_self_assignable_role(r.role)) v.add("role", "must be one of customer, merchant, driver");
  v.throw_if_invalid();
}

}  // namespace

AuthService::AuthService(AuthServiceDeps deps) : d_(deps) {
  auto& logins = d_.metrics.counter("nelo_auth_logins_total", "Login attempts by outcome", {"outcome"});
  logins_success_ = &logins.with({"success"});
  logins_failure_ = &logins.with({"failure"});
  logins_throttled_ = &logins.with({"throttled"});
  auto& refreshes = d_.metrics.counter("nelo_auth_refreshes_total", "Refresh-token uses by outcome", {"outcome"});
  refresh_success_ = &refreshes.with({"success"});
  refresh_rejected_ = &refreshes.with({"rejected"});
  refresh_reuse_ = &refreshes.with({"reuse_detected"});
}

asio::awaitable<Registered> AuthService::register_user(Registration registration, std::string client_address) {
  co_return co_await create_account(std::move(registration), false, std::move(client_address));
}

asio::awaitable<User> AuthService::create_admin(std::string email, std::string name, std::string password) {
  Registration registration;
  registration.email = std::move(email);
  registration.name = std::move(name);
  registration.password = std::move(password);
  registration.role = "admin";
  auto registered = co_await create_account(std::move(registration), true, std::nullopt);
  co_return registered.user;
}

asio::awaitable<Registered> AuthService::create_account(Registration registration, bool admin,
                                                      std::optional<std::string> client_address) {
  registration.email = normalize_email(registration.email);
  registration.name = normalize_name(registration.name);
  validate_registration(registration, admin);
  // Self-registrations are limited per address. A taken address is refused before any hashing,
  // so a flood of them costs a counter and one indexed lookup each, not an Argon2id run (the
  // 409 does tell that the address has an account: docs/api/auth.md, "Registration", says why).
  if (client_address) co_await d_.throttle.count_registration(*client_address);
  if (co_await d_.users.email_taken(registration.email)) throw Conflict("email-taken", kEmailTaken);

  NewUser user;
  user.id = new_uuid_v7();
  user.email = registration.email;
  user.name = registration.name;
  // Merchant and driver are applied for: the account is a customer until an admin approves.
  const bool applies = !admin && is_applied_for_role(registration.role);
  user.roles = {applies ? std::string("customer") : registration.role};
  user.password_hash = co_await d_.hasher.hash(std::move(registration.password));

  auto tx = co_await d_.db.begin();
  Registered registered;
  registered.user = co_await d_.users.insert(tx, user);
  const auto& created = registered.user;
  if (applies) {
    registered.application = co_await d_.applications.insert(tx, new_uuid_v7(), created.id, registration.role);
  }
  json::object payload;
  payload["user_id"] = created.id;
  payload["email"] = created.email;
  payload["name"] = created.name;
  payload["role"] = created.roles.front();
  payload["registered_at"] = to_rfc3339_millis(created.created_at);
  co_await d_.bus.publish(tx, "user.registered", 1, std::move(payload));
  co_await tx.commit();
  if (applies) {
    spdlog::info("auth: registered user {} as customer, applying for {}", created.id, registration.role);
  } else {
    spdlog::info("auth: registered user {} as {}", created.id, created.roles.front());
  }
  co_return registered;
}

asio::awaitable<TokenPair> AuthService::login(std::string email, std::string password, std::string client_address) {
  email = normalize_email(email);
  // Cannot be anyone's password; no hash needed to say so (this reveals nothing about the account).
  const bool checkable = utf8_length(password) <= kMaxPasswordLength;
  // A place on the hashing pool first: when it is saturated the answer is 503 and nothing is
  // counted, so an overload never turns into failed logins against the account.
  std::optional<security::PasswordHasher::Reservation> hashing;
  if (checkable) hashing.emplace(d_.hasher.reserve());
  std::optional<LoginThrottle::InFlight> counted;
  try {
    counted.emplace(co_await d_.throttle.count_attempt(email, client_address));
  } catch (const TooManyRequests&) {
    logins_throttled_->inc();
    security::wipe(password);
    throw;
  }

  std::optional<Credentials> credentials;
  bool verified = false;
  std::string rehash_with;
  std::exception_ptr unchecked;
  try {
    credentials = co_await d_.users.find_credentials_by_email(email);
    if (checkable && !credentials) {
      // The same hasher, the same parameters, the same backlog as a real check.
      co_await d_.hasher.verify_dummy(std::move(*hashing), std::move(password));
    } else if (checkable) {
      if (d_.hasher.needs_rehash(credentials->password_hash)) rehash_with = password;
      verified = co_await d_.hasher.verify(std::move(*hashing), credentials->password_hash, std::move(password));
    }
  } catch (const ServiceUnavailable&) {
    unchecked = std::current_exception();
  }
  if (unchecked) {
    // No password was checked: the attempt is given back.
    security::wipe(password);
    security::wipe(rehash_with);
    co_await d_.throttle.not_checked(email, client_address);
    std::rethrow_exception(unchecked);
  }
  security::wipe(password);
  // A disabled account is refused only after the hash, like a wrong password.
  if (!verified || credentials->user.disabled()) {
    security::wipe(rehash_with);
    logins_failure_->inc();
    throw Unauthorized(kBadCredentials);
  }

  co_await d_.throttle.succeeded(email, client_address);
  if (!rehash_with.empty()) co_await upgrade_hash(credentials->user.id, credentials->password_hash, std::move(rehash_with));
  auto tokens = co_await start_session(credentials->user);
  logins_success_->inc();
  co_return tokens;
}

asio::awaitable<void> AuthService::upgrade_hash(const std::string& user_id, const std::string& old_hash,
                                                std::string password) {
  // Parameters were raised since this hash was made: upgrade it while we have the password. Best
  // effort: a saturated pool must not fail a login whose password was right.
  try {
    auto upgraded = co_await d_.hasher.hash(std::move(password));
    co_await d_.users.rehash(user_id, old_hash, upgraded);
  } catch (const ServiceUnavailable&) {
    spdlog::debug("auth: hash upgrade of user {} postponed (hashing saturated)", user_id);
  }
  security::wipe(password);
}

asio::awaitable<TokenPair> AuthService::start_session(const User& user) {
  auto tx = co_await d_.db.begin();
  // Re-read under a share lock: a disable committed since the password check wins, and one that
  // comes after waits for this session and then revokes it.
  auto current = co_await d_.users.find_for_share(tx, user.id);
  if (!current || current->disabled()) throw Unauthorized(kBadCredentials);
  std::string family_id = new_uuid_v7();
  co_await d_.refresh_tokens.insert_family(tx, family_id, current->id, d_.settings.refresh_ttl,
                                           d_.settings.session_max_age);
  auto tokens = co_await issue(tx, *current, family_id);
  // The oldest sessions make room: a stolen password cannot pile up sessions without end.
  auto revoked = co_await d_.refresh_tokens.revoke_beyond_newest(tx, current->id, d_.settings.max_sessions_per_user);
  co_await tx.commit();
  d_.revocations.add(revoked);
  if (!revoked.empty()) {
    spdlog::info("auth: user {} went past {} sessions: {} oldest revoked", current->id,
                 d_.settings.max_sessions_per_user, revoked.size());
  }
  co_return tokens;
}

asio::awaitable<TokenPair> AuthService::issue(db::Transaction& tx, const User& user, const std::string& family_id) {
  TokenPair pair;
  pair.refresh_token = security::random_token();
  std::string token_id = new_uuid_v7();
  std::string token_hash = security::sha256_hex(pair.refresh_token);
  co_await d_.refresh_tokens.insert_token(tx, token_id, family_id, user.id, token_hash, d_.settings.refresh_ttl,
                                          d_.settings.session_max_age);

  security::JwtClaims claims;
  claims.issuer = d_.settings.issuer;
  claims.audience = d_.settings.audience;
  claims.subject = user.id;
  claims.roles = user.roles;
  claims.issued_at = d_.clock.now();
  claims.expires_at = claims.issued_at + d_.settings.access_ttl;
  claims.token_id = new_uuid();
  claims.session_id = family_id;
  pair.access_token = d_.keys.sign(claims);
  pair.expires_in = d_.settings.access_ttl.count();
  co_return pair;
}

asio::awaitable<TokenPair> AuthService::refresh(std::string refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > kMaxRefreshTokenLength) {
    refresh_rejected_->inc();
    throw Unauthorized(kBadRefreshToken);
  }
  const std::string token_hash = security::sha256_hex(refresh_token);
  security::wipe(refresh_token);

  auto tx = co_await d_.db.begin();
  auto consumed = co_await d_.refresh_tokens.consume(tx, token_hash);
  if (!consumed) {
    // Unknown, expired, or already used. The last one means that two parties hold the token:
    // end the session for both.
    auto record = co_await d_.refresh_tokens.find_by_hash(tx, token_hash);
    if (record && record->used_at && !record->revoked_at) {
      auto revoked = co_await d_.refresh_tokens.revoke_family(tx, record->family_id, RevokeReason::ReuseDetected);
      co_await tx.commit();
      d_.revocations.add(revoked);
      refresh_reuse_->inc();
      spdlog::warn("auth: refresh token reuse detected for user {}: session {} revoked", record->user_id,
                   record->family_id);
    } else {
      refresh_rejected_->inc();
    }
    throw Unauthorized(kBadRefreshToken);
  }
  // Lock order user -> family, as everywhere else.
  auto user = co_await d_.users.find_for_share(tx, consumed->user_id);
  if (!user || user->disabled()) {
    refresh_rejected_->inc();
    throw Unauthorized(kBadRefreshToken);
  }
  const bool live = co_await d_.refresh_tokens.touch_live_family(tx, consumed->family_id, d_.settings.refresh_ttl,
                                                                 d_.settings.session_max_age);
  if (!live) {
    refresh_rejected_->inc();
    throw Unauthorized(kBadRefreshToken);
  }
  auto tokens = co_await issue(tx, *user, consumed->family_id);
  co_await tx.commit();
  refresh_success_->inc();
  co_return tokens;
}

asio::awaitable<void> AuthService::logout(const Principal& caller, std::optional<std::string> refresh_token) {
  auto tx = co_await d_.db.begin();
  std::vector<std::string> revoked;
  if (refresh_token) {
    if (!refresh_token->empty() && refresh_token->size() <= kMaxRefreshTokenLength) {
      const std::string token_hash = security::sha256_hex(*refresh_token);
      auto record = co_await d_.refresh_tokens.find_by_hash(tx, token_hash);
      if (record) {
        revoked = co_await d_.refresh_tokens.revoke_family_of_user(tx, record->family_id, caller.user_id,
                                                                   RevokeReason::Logout);
      }
    }
    security::wipe(*refresh_token);
  } else if (!caller.session_id.empty()) {
    revoked = co_await d_.refresh_tokens.revoke_family_of_user(tx, caller.session_id, caller.user_id,
                                                               RevokeReason::Logout);
  }
  co_await tx.commit();
  d_.revocations.add(revoked);
}

asio::awaitable<void> AuthService::logout_all(const Principal& caller) {
  auto tx = co_await d_.db.begin();
  std::optional<std::string> keep;
  auto revoked = co_await d_.refresh_tokens.revoke_user_families(tx, caller.user_id, RevokeReason::LogoutAll, keep);
  co_await tx.commit();
  d_.revocations.add(revoked);
}

asio::awaitable<void> AuthService::change_password(const Principal& caller, PasswordChange change,
                                                   std::string client_address) {
  Validator v;
  if (auto problem = password_problem(change.new_password)) v.add("new_password", *problem);
  v.throw_if_invalid();

  auto credentials = co_await d_.users.find_credentials(caller.user_id);
  if (!credentials || credentials->user.disabled()) throw Unauthorized();
  // Hashing place first (a 503 counts nothing), then the attempt: guessing the current password
  // with a stolen access token is throttled like a login.
  auto hashing = d_.hasher.reserve();
  auto counted = co_await d_.throttle.count_attempt(credentials->user.email, client_address);
  bool verified = false;
  if (utf8_length(change.current_password) <= kMaxPasswordLength) {
    verified = co_await d_.hasher.verify(std::move(hashing), credentials->password_hash,
                                         std::move(change.current_password));
  }
  security::wipe(change.current_password);
  if (!verified) throw ValidationError("current_password", "is incorrect");
  co_await d_.throttle.succeeded(credentials->user.email, client_address);

  auto new_hash = co_await d_.hasher.hash(std::move(change.new_password));
  auto tx = co_await d_.db.begin();
  auto locked = co_await d_.users.find_credentials_for_update(tx, caller.user_id);
  if (!locked || locked->user.disabled()) throw Unauthorized();
  if (locked->password_hash != credentials->password_hash) {
    throw Conflict("The password was changed meanwhile; sign in again");
  }
  co_await d_.users.update_password_hash(tx, caller.user_id, new_hash);
  std::optional<std::string> keep;
  if (!caller.session_id.empty()) keep = caller.session_id;
  auto revoked =
      co_await d_.refresh_tokens.revoke_user_families(tx, caller.user_id, RevokeReason::PasswordChanged, keep);
  co_await tx.commit();
  d_.revocations.add(revoked);
  spdlog::info("auth: user {} changed their password; {} other session(s) revoked", caller.user_id, revoked.size());
}

}  // namespace nelo::auth
