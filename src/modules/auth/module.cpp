#include "modules/auth/module.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>

#include "core/db/module_db.hpp"
#include "core/security/password_hasher.hpp"
#include "modules/auth/api/v1/routes.hpp"
#include "modules/auth/repositories/refresh_token_repository.hpp"
#include "modules/auth/repositories/signing_key_repository.hpp"
#include "modules/auth/repositories/throttle_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"
#include "modules/auth/services/auth_service.hpp"
#include "modules/auth/services/auth_settings.hpp"
#include "modules/auth/services/key_ring.hpp"
#include "modules/auth/services/login_throttle.hpp"
#include "modules/auth/services/session_revocations.hpp"
#include "modules/auth/services/user_admin_service.hpp"
#include "shared/events/wake_signal.hpp"

namespace nelo::auth {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

constexpr std::int64_t kPurgeBatch = 1000;
constexpr std::chrono::seconds kStopTimeout{5};

std::string error_text(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown error";
  }
}

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
        throttle_repository_(db_),
        signing_keys_(db_),
        keys_(signing_keys_, settings_, context.clock),
        verifier_(keys_.verifier(), revocations_),
        throttle_(throttle_repository_, settings_),
        service_(AuthServiceDeps{db_, context.bus, users_, refresh_tokens_, throttle_, keys_, revocations_, hasher_,
                                 settings_, context.clock, context.metrics}),
        admin_(db_, users_, refresh_tokens_, revocations_),
        strand_(asio::make_strand(context.executor)),
        wake_(strand_),
        finished_(strand_) {}

  std::string name() const override { return "auth"; }
  std::span<const db::MigrationFile> migrations() const override { return auth::migrations(); }

  void register_routes(http::Router& router) override {
    api::v1::RouteServices services{service_, admin_, keys_, settings_.key_refresh_interval};
    api::v1::register_routes(router, services);
  }

  void register_subscriptions(events::EventBus&) override {}

  asio::awaitable<void> start() override {
    co_await keys_.initialize();
    co_await reload_revocations();
    spdlog::info("auth: {} signing key(s) loaded; {} revoked session(s) in the deny list", keys_.key_ids().size(),
                 revocations_.size());
    started_ = true;
    loop_running_ = true;  // before the loop is queued, so a stop() right after start() waits for it
    asio::co_spawn(strand_, maintenance_loop(), asio::bind_executor(strand_, [this](std::exception_ptr e) {
                     if (e) spdlog::error("auth: maintenance loop ended: {}", error_text(e));
                     loop_running_ = false;
                     finished_.notify();
                   }));
  }

  asio::awaitable<void> stop() override {
    if (!started_) co_return;
    co_await asio::co_spawn(strand_, stop_on_strand(), asio::use_awaitable);
  }

  const AccessTokenVerifier& token_verifier() const override { return verifier_; }

  asio::awaitable<std::string> create_admin(std::string email, std::string name, std::string password) override {
    auto user = co_await service_.create_admin(std::move(email), std::move(name), std::move(password));
    co_return user.id;
  }

  asio::awaitable<std::string> rotate_keys() override { co_return co_await keys_.rotate(); }

 private:
  asio::awaitable<void> reload_revocations() {
    auto started = SteadyClock::now();
    auto revoked = co_await refresh_tokens_.recently_revoked(settings_.revocation_window());
    revocations_.replace(revoked, started);
  }

  // Every key_refresh_interval: keys and revoked sessions from the database (what other instances
  // did); every purge_interval: expired refresh tokens and stale throttle counters.
  asio::awaitable<void> maintenance_loop() {
    auto next_purge = SteadyClock::now() + settings_.key_refresh_interval;
    while (!stopping_) {
      co_await wake_.wait_until(SteadyClock::now() + settings_.key_refresh_interval);
      if (stopping_) break;
      try {
        co_await keys_.reload();
      } catch (...) {
        spdlog::error("auth: reloading signing keys failed (keeping the current set): {}",
                      error_text(std::current_exception()));
      }
      try {
        co_await reload_revocations();
      } catch (...) {
        spdlog::error("auth: reloading revoked sessions failed: {}", error_text(std::current_exception()));
      }
      if (SteadyClock::now() >= next_purge && !stopping_) {
        next_purge = SteadyClock::now() + settings_.purge_interval;
        try {
          auto tokens = co_await refresh_tokens_.purge_expired(kPurgeBatch);
          auto counters = co_await throttle_.purge();
          if (tokens + counters > 0) {
            spdlog::debug("auth: purged {} expired refresh token row(s), {} throttle counter(s)", tokens, counters);
          }
        } catch (...) {
          spdlog::error("auth: purge failed: {}", error_text(std::current_exception()));
        }
      }
    }
  }

  asio::awaitable<void> stop_on_strand() {
    stopping_ = true;
    wake_.notify();
    const auto deadline = SteadyClock::now() + kStopTimeout;
    while (loop_running_ && SteadyClock::now() < deadline) co_await finished_.wait_until(deadline);
    if (loop_running_) spdlog::warn("auth: maintenance loop still running at stop");
  }

  db::ModuleDb& db_;
  AuthSettings settings_;
  security::PasswordHasher hasher_;
  UserRepository users_;
  RefreshTokenRepository refresh_tokens_;
  ThrottleRepository throttle_repository_;
  SigningKeyRepository signing_keys_;
  SessionRevocations revocations_;
  KeyRing keys_;
  AuthTokenVerifier verifier_;
  LoginThrottle throttle_;
  AuthService service_;
  UserAdminService admin_;

  asio::strand<asio::any_io_executor> strand_;
  events::WakeSignal wake_;
  events::WakeSignal finished_;
  std::atomic<bool> started_{false};
  bool stopping_ = false;      // strand-confined
  bool loop_running_ = false;  // strand-confined
};

}  // namespace

std::unique_ptr<AuthModule> make_module(const ModuleContext& context) {
  return std::make_unique<AuthModuleImpl>(context, auth_settings_from_environment(context.config));
}

std::unique_ptr<AuthModule> make_module(const ModuleContext& context, AuthSettings settings) {
  return std::make_unique<AuthModuleImpl>(context, std::move(settings));
}

}  // namespace nelo::auth
