#include "modules/auth/module.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <memory>

#include "core/db/module_db.hpp"
#include "core/error_text.hpp"
#include "core/security/password_hasher.hpp"
#include "modules/auth/api/v1/routes.hpp"
#include "modules/auth/repositories/refresh_token_repository.hpp"
#include "modules/auth/repositories/role_application_repository.hpp"
#include "modules/auth/repositories/signing_key_repository.hpp"
#include "modules/auth/repositories/throttle_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"
#include "modules/auth/services/account_directory.hpp"
#include "modules/auth/services/auth_service.hpp"
#include "modules/auth/services/auth_settings.hpp"
#include "modules/auth/services/key_ring.hpp"
#include "modules/auth/services/login_throttle.hpp"
#include "modules/auth/services/role_application_service.hpp"
#include "modules/auth/services/session_revocations.hpp"
#include "modules/auth/services/user_admin_service.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::auth {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

constexpr std::int64_t kPurgeBatch = 1000;

security::PasswordHasherOptions hasher_options(const AuthSettings& settings) {
  security::PasswordHasherOptions options;
  options.threads = settings.hash_threads;
  options.max_pending = settings.hash_max_pending;
  return options;
}

class AuthModuleImpl final : public AuthModule {
 public:
  AuthModuleImpl(const ModuleContext& context, AuthSettings settings)
      : db_(context.db),
        settings_(std::move(settings)),
        hasher_(hasher_options(settings_)),
        users_(db_),
        refresh_tokens_(db_),
        applications_repository_(db_),
        throttle_repository_(db_),
        signing_keys_(db_),
        keys_(signing_keys_, settings_, context.clock),
        verifier_(keys_.verifier(), revocations_),
        throttle_(throttle_repository_, settings_),
        service_(AuthServiceDeps{db_, context.bus, users_, refresh_tokens_, applications_repository_, throttle_, keys_,
                                 revocations_, hasher_, settings_, context.clock, context.metrics}),
        admin_(db_, users_, refresh_tokens_, revocations_),
        applications_(db_, users_, applications_repository_),
        accounts_(users_),
        executor_(context.executor) {}

  std::string name() const override { return "auth"; }
  std::span<const db::MigrationFile> migrations() const override { return auth::migrations(); }

  void register_routes(http::Router& router) override {
    api::v1::RouteServices services{service_, admin_, applications_, keys_, settings_.key_refresh_interval};
    api::v1::register_routes(router, services);
  }

  void register_subscriptions(events::EventBus&) override {}

  asio::awaitable<void> start() override {
    co_await keys_.initialize();
    co_await reload_revocations();
    spdlog::info("auth: {} signing key(s) loaded; {} revoked session(s) in the deny list", keys_.key_ids().size(),
                 revocations_.size());
    // Every key_refresh_interval: keys and revoked sessions from the database (what other
    // instances did); every purge_interval: expired refresh tokens and stale throttle counters.
    refresh_ = PeriodicTask::create(executor_, "auth: reloading revoked sessions", settings_.key_refresh_interval,
                                    [this] { return refresh(); });
    purge_ = PeriodicTask::create(executor_, "auth: purge", settings_.purge_interval, [this] { return purge(); });
    refresh_->start();
    purge_->start();
  }

  asio::awaitable<void> stop() override {
    if (refresh_) co_await refresh_->stop();
    if (purge_) co_await purge_->stop();
  }

  const AccessTokenVerifier& token_verifier() const override { return verifier_; }
  AccountInterface& account_interface() override { return accounts_; }

  asio::awaitable<std::string> create_admin(std::string email, std::string name, std::string password) override {
    auto user = co_await service_.create_admin(std::move(email), std::move(name), std::move(password));
    co_return user.id;
  }

  asio::awaitable<std::string> rotate_keys() override { co_return co_await keys_.rotate(); }

  asio::awaitable<std::string> revoke_key(std::string kid) override {
    auto revocation = co_await keys_.revoke(kid);
    std::string report = revocation.revoked_now ? "signing key " + kid + " revoked" : "signing key " + kid +
                                                                                        " was revoked already";
    if (revocation.replacement) report += "; new signing key " + *revocation.replacement + " signs from now";
    report += "; running instances refuse its tokens from their next key reload (NELO_AUTH_KEY_REFRESH_SECONDS, " +
              std::to_string(settings_.key_refresh_interval.count()) + " s)";
    co_return report;
  }

 private:
  asio::awaitable<void> reload_revocations() {
    auto started = SteadyClock::now();
    auto revoked = co_await refresh_tokens_.recently_revoked(settings_.revocation_window());
    revocations_.replace(revoked, started);
  }

  // A key reload that fails keeps the current set and does not hold back the revoked sessions.
  asio::awaitable<void> refresh() {
    try {
      co_await keys_.reload();
    } catch (...) {
      spdlog::error("auth: reloading signing keys failed (keeping the current set): {}",
                    error_text(std::current_exception()));
    }
    co_await reload_revocations();
  }

  asio::awaitable<void> purge() {
    auto tokens = co_await refresh_tokens_.purge_expired(kPurgeBatch);
    auto counters = co_await throttle_.purge();
    if (tokens + counters > 0) {
      spdlog::debug("auth: purged {} expired refresh token row(s), {} throttle counter(s)", tokens, counters);
    }
  }

  db::ModuleDb& db_;
  AuthSettings settings_;
  security::PasswordHasher hasher_;
  UserRepository users_;
  RefreshTokenRepository refresh_tokens_;
  RoleApplicationRepository applications_repository_;
  ThrottleRepository throttle_repository_;
  SigningKeyRepository signing_keys_;
  SessionRevocations revocations_;
  KeyRing keys_;
  AuthTokenVerifier verifier_;
  LoginThrottle throttle_;
  AuthService service_;
  UserAdminService admin_;
  RoleApplicationService applications_;
  AccountDirectory accounts_;

  asio::any_io_executor executor_;
  std::shared_ptr<PeriodicTask> refresh_;
  std::shared_ptr<PeriodicTask> purge_;
};

}  // namespace

std::unique_ptr<AuthModule> make_module(const ModuleContext& context) {
  return std::make_unique<AuthModuleImpl>(context, auth_settings_from_environment(context.config));
}

std::unique_ptr<AuthModule> make_module(const ModuleContext& context, AuthSettings settings) {
  return std::make_unique<AuthModuleImpl>(context, std::move(settings));
}

}  // namespace nelo::auth
