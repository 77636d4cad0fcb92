#pragma once
// Shared set-up of the auth pg tests: a fresh database migrated with the auth schema, a pool, an
// event bus, and the module's services wired the way module.cpp wires them (so a test can reach
// each service and repository), plus helpers to read the database as the superuser.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/db/migrator.hpp"
#include "core/db/module_db.hpp"
#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"
#include "core/security/password_hasher.hpp"
#include "modules/auth/module.hpp"
#include "modules/auth/repositories/refresh_token_repository.hpp"
#include "modules/auth/repositories/role_application_repository.hpp"
#include "modules/auth/repositories/signing_key_repository.hpp"
#include "modules/auth/repositories/throttle_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"
#include "modules/auth/services/auth_service.hpp"
#include "modules/auth/services/auth_settings.hpp"
#include "modules/auth/services/key_ring.hpp"
#include "modules/auth/services/login_throttle.hpp"
#include "modules/auth/services/role_application_service.hpp"
#include "modules/auth/services/session_revocations.hpp"
#include "modules/auth/services/user_admin_service.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/events/schema_templates.hpp"
#include "shared/module_context.hpp"
#include "support/run_async.hpp"
#include "support/test_database.hpp"

namespace nelo::auth::test {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

inline constexpr const char* kTestKek = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
inline constexpr const char* kPassword = "correct horse battery";

// Fast and small: one hashing thread, short windows.
inline AuthSettings test_settings() {
  AuthSettings s;
  s.key_encryption_key = kTestKek;
  s.hash_threads = 1;
  s.hash_max_pending = 64;
  s.max_failures_per_account_and_address = 5;
  s.max_failures_per_address = 20;
  s.max_failures_per_account = 100;
  s.throttle_window = 900s;
  // Long enough that a busy machine never lets a wait run out between two steps of a test; tests
  // make time pass with pass_throttle_waits() instead of sleeping.
  s.throttle_first_delay = 60s;
  s.throttle_max_delay = 900s;
  s.account_max_delay = 30s;
  s.max_registrations_per_address = 1000;
  s.key_refresh_interval = 1s;
  s.key_activation_delay = 2s;
  return s;
}

// Everything module.cpp builds, in the same order, with its parts reachable.
struct AuthStack {
  AuthStack(db::Pool& pool, events::EventBus& bus, metrics::Registry& registry, const Clock& clock,
            AuthSettings s, security::PasswordHasher& shared_hasher)
      : db(pool, "auth"),
        settings(std::move(s)),
        users(db),
        refresh_tokens(db),
        application_repository(db),
        throttle_repository(db),
        signing_keys(db),
        keys(signing_keys, settings, clock),
        verifier(keys.verifier(), revocations),
        throttle(throttle_repository, settings),
        service(AuthServiceDeps{db, bus, users, refresh_tokens, application_repository, throttle, keys, revocations,
                                shared_hasher, settings, clock, registry}),
        admin(db, users, refresh_tokens, revocations),
        applications(db, users, application_repository) {}

  db::ModuleDb db;  // what the composition root hands the module
  AuthSettings settings;
  UserRepository users;
  RefreshTokenRepository refresh_tokens;
  RoleApplicationRepository application_repository;
  ThrottleRepository throttle_repository;
  SigningKeyRepository signing_keys;
  SessionRevocations revocations;
  KeyRing keys;
  AuthTokenVerifier verifier;
  LoginThrottle throttle;
  AuthService service;
  UserAdminService admin;
  RoleApplicationService applications;
};

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = make_pool();
    run(migrate());
    bus_ = std::make_unique<events::OutboxEventBus>(*pool_, io_.get_executor(), events::OutboxOptions{}, registry_,
                                                    std::vector<std::string>{"auth"});
  }

  void TearDown() override {
    stacks_.clear();
    bus_.reset();
    for (auto& p : extra_pools_) p->close();
    if (pool_) pool_->close();
  }

  std::shared_ptr<db::Pool> make_pool(std::size_t size = 12) {
    db::PoolOptions options;
    options.conninfo = db_.conninfo();
    options.max_size = size;
    options.acquire_timeout = 5s;
    options.application_name = "nelo-auth-test";
    return db::Pool::create(io_.get_executor(), options);
  }

  // A second "instance": its own pool.
  db::Pool& other_pool() {
    extra_pools_.push_back(make_pool());
    return *extra_pools_.back();
  }

  asio::awaitable<void> migrate() {
    std::vector<db::SchemaMigrations> schemas{{"auth", events::schema_templates(), auth::migrations()}};
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // `own_hasher`: one of the test's instead of the shared one (an observer, a small backlog).
  AuthStack& stack(AuthSettings settings = test_settings(), db::Pool* pool = nullptr,
                   security::PasswordHasher* own_hasher = nullptr) {
    stacks_.push_back(std::make_unique<AuthStack>(pool ? *pool : *pool_, *bus_, registry_, clock_, std::move(settings),
                                                  own_hasher ? *own_hasher : hasher()));
    return *stacks_.back();
  }

  // A started stack: keys generated and loaded.
  AuthStack& ready_stack(AuthSettings settings = test_settings(), security::PasswordHasher* own_hasher = nullptr) {
    auto& s = stack(std::move(settings), nullptr, own_hasher);
    run(s.keys.initialize());
    return s;
  }

  // A module's context as the composition root makes it: a handle bound to "auth" over `pool`.
  ModuleContext context(db::Pool& pool) {
    module_dbs_.push_back(std::make_unique<db::ModuleDb>(pool, "auth"));
    return ModuleContext{*module_dbs_.back(), *bus_, config_, clock_, registry_, io_.get_executor()};
  }

  // One hasher for the whole test binary: constructing one costs a hash.
  static security::PasswordHasher& hasher() {
    static security::PasswordHasherOptions options = [] {
      security::PasswordHasherOptions o;
      o.threads = 2;
      return o;
    }();
    static security::PasswordHasher instance(options);
    return instance;
  }

  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  static asio::awaitable<void> nothing() { co_return; }

  // Runs n tasks at once on the test's io_context (two threads) and waits for all of them.
  template <class MakeTask>
  void run_parallel(int n, MakeTask& make_task) {
    for (int i = 0; i < n; ++i) asio::co_spawn(io_, make_task(i), [](std::exception_ptr) {});
    run(nothing());
  }

  // Registers and returns the user.
  User register_user(AuthStack& s, const std::string& email, const std::string& role = "customer",
                     const std::string& address = "192.0.2.1") {
    Registration r;
    r.email = email;
    r.password = kPassword;
    r.name = "Test User";
    r.role = role;
    return run(s.service.register_user(std::move(r), address)).user;
  }

  // Registers with `role` applied for and approved by `admin` (what production requires).
  User register_approved(AuthStack& s, const Principal& admin, const std::string& email, const std::string& role) {
    Registration r;
    r.email = email;
    r.password = kPassword;
    r.name = "Test User";
    r.role = role;
    auto registered = run(s.service.register_user(std::move(r), "192.0.2.1"));
    run(s.applications.approve(admin, registered.application->id));
    return *run(s.users.find(registered.user.id));
  }

  TokenPair login(AuthStack& s, const std::string& email, const std::string& password = kPassword,
                  const std::string& address = "192.0.2.1") {
    return run(s.service.login(email, password, address));
  }

  static Principal principal_of(AuthStack& s, const TokenPair& tokens) { return s.verifier.verify(tokens.access_token); }

  // Every throttle wait ends now, as if its time had passed (the in-memory memory of a wait is
  // per stack: use a new stack after this).
  void pass_throttle_waits() { db_.exec("UPDATE auth.login_throttle SET next_attempt_at = now()"); }

  std::string scalar(const std::string& sql) { return db_.value(sql); }
  std::int64_t count(const std::string& sql) { return std::stoll(db_.value(sql)); }

  nelo::test::TestDatabase db_;
  asio::io_context io_;
  metrics::Registry registry_;
  SystemClock clock_;
  Config config_;
  std::shared_ptr<db::Pool> pool_;
  std::vector<std::shared_ptr<db::Pool>> extra_pools_;
  std::vector<std::unique_ptr<db::ModuleDb>> module_dbs_;  // of context(): outlive the test's modules
  std::unique_ptr<events::OutboxEventBus> bus_;
  std::vector<std::unique_ptr<AuthStack>> stacks_;
};

}  // namespace nelo::auth::test
