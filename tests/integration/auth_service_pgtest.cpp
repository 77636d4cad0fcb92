// The auth services against PostgreSQL: registration, login and its throttling, refresh-token
// rotation with reuse detection (also under concurrency), logout, password change, admin actions.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "integration/auth_fixture.hpp"

namespace nelo::auth::test {
namespace {

template <class E, class F>
E expect_error(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception: " << e.what();
    throw;
  }
  ADD_FAILURE() << "no exception";
  throw std::runtime_error("no exception");
}

class AuthServiceTest : public AuthTest {};

// ---- registration ------------------------------------------------------------------------

TEST_F(AuthServiceTest, Register_StoresNormalisedAccountWithArgon2idAndPublishesUserRegistered) {
  auto& s = stack();
  auto user = register_user(s, "  Ana.Lopez@Example.COM ");
  EXPECT_EQ(user.email, "ana.lopez@example.com");
  EXPECT_EQ(user.roles, std::vector<std::string>{"customer"});
  EXPECT_FALSE(user.disabled());
  auto hash = scalar("SELECT password_hash FROM auth.users WHERE id = '" + user.id + "'");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
  EXPECT_EQ(hash.find(kPassword), std::string::npos);

  EXPECT_EQ(count("SELECT count(*) FROM auth.outbox WHERE name = 'user.registered'"), 1);
  auto payload = json::parse(scalar("SELECT payload::text FROM auth.outbox WHERE name = 'user.registered'")).as_object();
  EXPECT_EQ(payload.at("user_id").as_string(), user.id);
  EXPECT_EQ(payload.at("email").as_string(), "ana.lopez@example.com");
  EXPECT_EQ(payload.at("name").as_string(), "Test User");
  EXPECT_EQ(payload.at("role").as_string(), "customer");
  EXPECT_TRUE(parse_timestamp(std::string(payload.at("registered_at").as_string())).has_value());
  EXPECT_EQ(scalar("SELECT version FROM auth.outbox WHERE name = 'user.registered'"), "1");
}

// The issue's case: anyone could register as merchant or driver and open a shop under any name.
TEST_F(AuthServiceTest, Roles_MerchantIsAppliedForAndOnlyAnAdminGrantsIt) {
  auto& s = ready_stack();
  Registration r{"mia@example.com", kPassword, "Mia", "merchant"};
  auto registered = run(s.service.register_user(r, "192.0.2.1"));
  EXPECT_EQ(registered.user.roles, std::vector<std::string>{"customer"}) << "not self-granted";
  ASSERT_TRUE(registered.application);
  EXPECT_EQ(registered.application->role, "merchant");
  EXPECT_EQ(registered.application->status, "pending");
  EXPECT_EQ(scalar("SELECT payload->>'role' FROM auth.outbox"), "customer");
  auto tokens = login(s, "mia@example.com");
  EXPECT_EQ(principal_of(s, tokens).roles, std::vector<std::string>{"customer"});

  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  RoleApplicationFilter pending;
  pending.status = "pending";
  auto queue = run(s.applications.list(pending, 20, std::nullopt));
  ASSERT_EQ(queue.items.size(), 1u);
  EXPECT_EQ(queue.items[0].id, registered.application->id);
  EXPECT_EQ(queue.items[0].email, "mia@example.com");
  EXPECT_EQ(queue.items[0].name, "Mia");

  auto approved = run(s.applications.approve(root, registered.application->id));
  EXPECT_EQ(approved.status, "approved");
  EXPECT_EQ(approved.decided_by, std::optional<std::string>(admin.id));
  EXPECT_TRUE(approved.decided_at.has_value());
  auto next = run(s.service.refresh(tokens.refresh_token));
  EXPECT_EQ(principal_of(s, next).roles, (std::vector<std::string>{"merchant"})) << "merchant replaces customer";
  EXPECT_TRUE(run(s.applications.list(pending, 20, std::nullopt)).items.empty());
  EXPECT_THROW(run(s.applications.approve(root, registered.application->id)), Conflict);
  EXPECT_THROW(run(s.applications.reject(root, registered.application->id)), Conflict);
  EXPECT_THROW(run(s.applications.approve(root, "018f0000-0000-7000-8000-000000000000")), NotFound);
  EXPECT_THROW(run(s.applications.approve(root, "not-a-uuid")), NotFound);
}

TEST_F(AuthServiceTest, Roles_ARejectedApplicationGrantsNothingAndTheAccountMayApplyAgain) {
  auto& s = ready_stack();
  Registration r{"dov@example.com", kPassword, "Dov", "driver"};
  auto registered = run(s.service.register_user(r, "192.0.2.1"));
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  auto rejected = run(s.applications.reject(root, registered.application->id));
  EXPECT_EQ(rejected.status, "rejected");
  EXPECT_EQ(run(s.users.find(registered.user.id))->roles, std::vector<std::string>{"customer"});

  auto dov = principal_of(s, login(s, "dov@example.com"));
  auto again = run(s.applications.apply(dov, "driver"));
  EXPECT_NE(again.id, registered.application->id);
  EXPECT_EQ(again.status, "pending");
  EXPECT_EQ(run(s.applications.apply(dov, "driver")).id, again.id) << "one open application per role";
  EXPECT_THROW(run(s.applications.apply(dov, "admin")), ValidationError);
  EXPECT_THROW(run(s.applications.apply(dov, "customer")), ValidationError);
  run(s.applications.approve(root, again.id));
  EXPECT_THROW(run(s.applications.apply(dov, "driver")), Conflict) << "held already";

  RoleApplicationFilter of_dov;
  of_dov.user_id = registered.user.id;
  EXPECT_EQ(run(s.applications.list(of_dov, 20, std::nullopt)).items.size(), 2u);
  RoleApplicationFilter bad;
  bad.status = "maybe";
  EXPECT_THROW(run(s.applications.list(bad, 20, std::nullopt)), ValidationError);
  EXPECT_THROW(run(s.applications.list({}, 20, std::string("bogus"))), ValidationError);
}

TEST_F(AuthServiceTest, Register_SameAddressInAnotherCaseIsConflictAndPublishesNothingMore) {
  auto& s = stack();
  register_user(s, "bob@example.com");
  auto e = expect_error<Conflict>([&] { register_user(s, " BOB@example.com"); });
  EXPECT_EQ(e.kind(), ErrorKind::Conflict);
  EXPECT_EQ(e.detail(), "An account already exists for this email address");
  EXPECT_EQ(count("SELECT count(*) FROM auth.users"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM auth.outbox"), 1);
}

// The issue's case: a taken address ran Argon2id before the insert failed, so a flood of them
// saturated hashing for everyone.
TEST_F(AuthServiceTest, Register_ATakenAddressIsRefusedWithoutHashing) {
  security::PasswordHasher own({.threads = 1});
  int runs = 0;
  own.set_observer([&](const security::HashRun&) { ++runs; });
  auto& s = stack(test_settings(), nullptr, &own);
  register_user(s, "bob@example.com");
  EXPECT_EQ(runs, 1);
  for (int i = 0; i < 5; ++i) EXPECT_THROW(register_user(s, "Bob@Example.com"), Conflict);
  EXPECT_EQ(runs, 1) << "no hash for a taken address";
  security::PasswordHasher saturated({.threads = 1, .max_pending = 1});
  auto& t = stack(test_settings(), nullptr, &saturated);
  auto flood = saturated.reserve();
  EXPECT_THROW(register_user(t, "bob@example.com"), Conflict) << "answered even when hashing is saturated";
}

TEST_F(AuthServiceTest, Register_IsThrottledPerClientAddress) {
  auto settings = test_settings();
  settings.max_registrations_per_address = 3;
  auto& s = stack(settings);
  register_user(s, "one@example.com", "customer", "203.0.113.5");
  EXPECT_THROW(register_user(s, "one@example.com", "customer", "203.0.113.5"), Conflict) << "counted too";
  register_user(s, "two@example.com", "customer", "203.0.113.5");
  auto refused = expect_error<TooManyRequests>([&] { register_user(s, "three@example.com", "customer", "203.0.113.5"); });
  EXPECT_GE(refused.retry_after().count(), 1);
  EXPECT_THROW(register_user(s, "one@example.com", "customer", "203.0.113.5"), TooManyRequests)
      << "no more answers about taken addresses either";
  EXPECT_NO_THROW(register_user(s, "three@example.com", "customer", "203.0.113.6"));
  EXPECT_EQ(count("SELECT count(*) FROM auth.users"), 3);
}

TEST_F(AuthServiceTest, Register_RefusesAdminAndReportsEveryBadField) {
  auto& s = stack();
  Registration r;
  r.email = "not-an-address";
  r.password = "short";
  r.name = "";
  r.role = "admin";
  auto e = expect_error<ValidationError>([&] { run(s.service.register_user(r, "192.0.2.1")); });
  std::vector<std::string> fields;
  for (const auto& f : e.errors()) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"email", "password", "name", "role"}));
  EXPECT_EQ(count("SELECT count(*) FROM auth.users"), 0);
}

TEST_F(AuthServiceTest, CreateAdmin_MakesAnAdminAndPublishesItsRegistration) {
  auto& s = stack();
  auto admin = run(s.service.create_admin("Root@Example.com", "Root", kPassword));
  EXPECT_EQ(admin.roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(scalar("SELECT payload->>'role' FROM auth.outbox"), "admin");
  EXPECT_THROW(run(s.service.create_admin("root@example.com", "Root again", kPassword)), Conflict);
}

// ---- login -------------------------------------------------------------------------------

TEST_F(AuthServiceTest, Login_IssuesAnAccessTokenForTheSessionAndAHashedRefreshToken) {
  auto& s = ready_stack();
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  auto user = register_approved(s, Principal{admin.id, {"admin"}, "jti", ""}, "carla@example.com", "driver");
  auto tokens = login(s, "CARLA@example.com ");
  EXPECT_EQ(tokens.token_type, "Bearer");
  EXPECT_EQ(tokens.expires_in, 900);
  EXPECT_EQ(tokens.refresh_token.size(), 43u);  // 32 random bytes, base64url
  auto principal = principal_of(s, tokens);
  EXPECT_EQ(principal.user_id, user.id);
  EXPECT_EQ(principal.roles, (std::vector<std::string>{"driver"}));
  EXPECT_EQ(scalar("SELECT id FROM auth.refresh_token_families"), principal.session_id);
  EXPECT_EQ(scalar("SELECT token_hash FROM auth.refresh_tokens"), security::sha256_hex(tokens.refresh_token));
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_tokens WHERE token_hash = '" + tokens.refresh_token + "'"), 0);
}

TEST_F(AuthServiceTest, Login_UnknownEmailWrongPasswordAndDisabledAccountAnswerTheSame) {
  auto& s = ready_stack();
  auto user = register_user(s, "dan@example.com");
  register_user(s, "eve@example.com");
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  run(s.admin.disable(root, scalar("SELECT id FROM auth.users WHERE email = 'eve@example.com'")));

  auto unknown = expect_error<Unauthorized>([&] { login(s, "nobody@example.com"); });
  auto wrong = expect_error<Unauthorized>([&] { login(s, "dan@example.com", "wrong password!!"); });
  auto disabled = expect_error<Unauthorized>([&] { login(s, "eve@example.com"); });
  EXPECT_EQ(unknown.detail(), wrong.detail());
  EXPECT_EQ(unknown.detail(), disabled.detail());
  EXPECT_EQ(unknown.type(), wrong.type());
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_tokens"), 0);
  (void)user;
}

// What makes an unknown address cost as much as a wrong password is that the same Argon2 run
// happens: counted and inspected through the hasher's observer, not timed (the wall-clock
// comparison is bench/suites/password_timing.sh).
TEST_F(AuthServiceTest, Login_UnknownEmailRunsTheSameHashAsAWrongPassword) {
  security::PasswordHasher own({.threads = 1});
  std::vector<security::HashRun> runs;
  own.set_observer([&](const security::HashRun& run) { runs.push_back(run); });
  auto& s = ready_stack(test_settings(), &own);
  register_user(s, "fay@example.com");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].kind, security::HashRun::Kind::Hash);

  EXPECT_THROW(login(s, "fay@example.com", "a wrong password"), Unauthorized);
  EXPECT_THROW(login(s, "nobody@example.com", "a wrong password"), Unauthorized);
  ASSERT_EQ(runs.size(), 3u);
  const auto wrong = runs[1];
  const auto unknown = runs[2];
  EXPECT_EQ(wrong.kind, security::HashRun::Kind::Verify);
  EXPECT_EQ(unknown.kind, security::HashRun::Kind::Verify);
  EXPECT_EQ(unknown.parameters, wrong.parameters);
  EXPECT_EQ(unknown.parameters, own.parameters());
  EXPECT_EQ(unknown.password_bytes, wrong.password_bytes);
  // A disabled account too: refused only after the same run.
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  run(s.admin.disable(root, scalar("SELECT id FROM auth.users WHERE email = 'fay@example.com'")));
  runs.clear();
  EXPECT_THROW(login(s, "fay@example.com"), Unauthorized);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].parameters, wrong.parameters);
}

TEST_F(AuthServiceTest, Login_OverlongPasswordRunsNoHash) {
  security::PasswordHasher own({.threads = 1});
  int runs = 0;
  own.set_observer([&](const security::HashRun&) { ++runs; });
  auto& s = ready_stack(test_settings(), &own);
  EXPECT_THROW(login(s, "nobody@example.com", std::string(129, 'x')), Unauthorized);
  EXPECT_EQ(runs, 0);
}

// ---- throttling --------------------------------------------------------------------------

// The issue's case: wrong passwords from anywhere used to lock any account for 15 minutes.
TEST_F(AuthServiceTest, Throttle_FailuresFromOneAddressDoNotLockTheOwnerOutFromAnother) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 3;
  auto& s = ready_stack(settings);
  register_user(s, "gus@example.com");
  int unauthorized = 0, throttled = 0;
  for (int i = 0; i < 10; ++i) {
    try {
      login(s, "gus@example.com", "wrong password " + std::to_string(i), "203.0.113.66");
    } catch (const Unauthorized&) {
      ++unauthorized;
    } catch (const TooManyRequests&) {
      ++throttled;
    }
  }
  EXPECT_EQ(unauthorized, 3);
  EXPECT_EQ(throttled, 7);
  // Even the right password waits from the guesser's address...
  EXPECT_THROW(login(s, "gus@example.com", kPassword, "203.0.113.66"), TooManyRequests);
  // ...but the owner, elsewhere, signs in.
  EXPECT_NO_THROW(login(s, "gus@example.com", kPassword, "192.0.2.1"));
}

TEST_F(AuthServiceTest, Throttle_PastTheAllowanceWaitsGrowInsteadOfALock) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 2;
  auto& s = ready_stack(settings);
  register_user(s, "gil@example.com");
  for (int i = 0; i < 2; ++i) EXPECT_THROW(login(s, "gil@example.com", "wrong password 1"), Unauthorized);
  auto first = expect_error<TooManyRequests>([&] { login(s, "gil@example.com", "wrong password 1"); });
  // Bounds loose enough for a machine so busy that a login takes many seconds.
  EXPECT_GE(first.retry_after().count(), 1);
  EXPECT_LE(first.retry_after().count(), 60) << "the first wait, not the window's 15 minutes";

  pass_throttle_waits();
  auto& later = ready_stack(settings);
  EXPECT_THROW(login(later, "gil@example.com", "wrong password 1"), Unauthorized) << "one more try, no lock";
  auto second = expect_error<TooManyRequests>([&] { login(later, "gil@example.com", kPassword); });
  EXPECT_GT(second.retry_after().count(), 60) << "the wait doubles";
  EXPECT_LE(second.retry_after().count(), 120);

  pass_throttle_waits();
  auto& owner = ready_stack(settings);
  EXPECT_NO_THROW(login(owner, "gil@example.com"));
  EXPECT_EQ(count("SELECT count(*) FROM auth.login_throttle WHERE key LIKE 'pair:gil@example.com %'"), 0)
      << "a success restarts the account-and-address counter";
}

TEST_F(AuthServiceTest, Throttle_WaitsStopGrowingAtTheirMaximum) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 1;
  settings.throttle_max_delay = 150s;
  for (int i = 0; i < 4; ++i) {
    auto& s = ready_stack(settings);
    EXPECT_THROW(login(s, "max@example.com", "wrong password 1"), Unauthorized);
    auto refused = expect_error<TooManyRequests>([&] { login(s, "max@example.com", "wrong password 1"); });
    const auto expected = std::min<std::int64_t>(60 << i, 150);
    EXPECT_GT(refused.retry_after().count(), expected / 2) << i;
    EXPECT_LE(refused.retry_after().count(), expected) << i;
    pass_throttle_waits();
  }
}

TEST_F(AuthServiceTest, Throttle_TheAccountCeilingSlowsDistributedGuessingWithoutLocking) {
  auto settings = test_settings();
  settings.max_failures_per_account = 4;
  settings.account_max_delay = 30s;
  auto& s = ready_stack(settings);
  register_user(s, "abe@example.com");
  for (int i = 0; i < 4; ++i) {
    EXPECT_THROW(login(s, "abe@example.com", "wrong password 1", "198.51.100." + std::to_string(i)), Unauthorized);
  }
  for (int i = 0; i < 3; ++i) {
    auto waiting = expect_error<TooManyRequests>(
        [&] { login(s, "abe@example.com", "wrong password 1", "198.51.100.10" + std::to_string(i)); });
    EXPECT_LE(waiting.retry_after().count(), 30) << "short waits: the account's owner is only slowed";
  }
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'account:abe@example.com'"), "4");
  pass_throttle_waits();
  auto& later = ready_stack(settings);
  EXPECT_NO_THROW(login(later, "abe@example.com", kPassword, "192.0.2.1")) << "delayed, never locked";
}

// The issue's case: a flood that saturates hashing made real logins answer 503, those 503s
// counted as failures, and the owner was refused 429 with the right password after the flood.
TEST_F(AuthServiceTest, Throttle_OverloadedHashingIsNeverCountedAsAFailedLogin) {
  security::PasswordHasher small({.threads = 1, .max_pending = 1});
  auto& s = ready_stack(test_settings(), &small);
  register_user(s, "ola@example.com");
  {
    auto flood = small.reserve();  // every place taken, as during the flood
    for (int i = 0; i < 20; ++i) EXPECT_THROW(login(s, "ola@example.com"), ServiceUnavailable);
    EXPECT_THROW(login(s, "ola@example.com", "a wrong password"), ServiceUnavailable);
  }
  EXPECT_EQ(count("SELECT count(*) FROM auth.login_throttle WHERE failures > 0 AND key NOT LIKE 'register:%'"), 0)
      << "no login attempt was counted";
  EXPECT_NO_THROW(login(s, "ola@example.com"));
  PasswordChange change{"a wrong password", "a brand new passphrase"};
  auto tokens = login(s, "ola@example.com");
  {
    auto flood = small.reserve();
    for (int i = 0; i < 10; ++i) {
      EXPECT_THROW(run(s.service.change_password(principal_of(s, tokens), change, "192.0.2.1")), ServiceUnavailable);
    }
  }
  EXPECT_NO_THROW(login(s, "ola@example.com"));
}

TEST_F(AuthServiceTest, Throttle_OnceRefusedAFloodOfGuessesNoLongerWritesToTheDatabase) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 2;
  auto& s = ready_stack(settings);
  register_user(s, "kim@example.com");
  for (int i = 0; i < 2; ++i) EXPECT_THROW(login(s, "kim@example.com", "wrong password 123"), Unauthorized);
  EXPECT_THROW(login(s, "kim@example.com", "wrong password 123"), TooManyRequests);
  const std::string pair = "SELECT failures FROM auth.login_throttle WHERE key = 'pair:kim@example.com 192.0.2.1'";
  const auto counted = scalar(pair);
  EXPECT_EQ(counted, "2");
  for (int i = 0; i < 20; ++i) {
    auto refused = expect_error<TooManyRequests>([&] { login(s, "kim@example.com", "wrong password 123"); });
    EXPECT_GE(refused.retry_after().count(), 1);
  }
  EXPECT_EQ(scalar(pair), counted);
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'account:kim@example.com'"), "2")
      << "refused attempts count against nothing";
  // Another account from another address is not affected.
  register_user(s, "lea@example.com");
  EXPECT_NO_THROW(login(s, "lea@example.com", kPassword, "203.0.113.20"));
}

TEST_F(AuthServiceTest, Throttle_UnknownAccountsAreThrottledLikeKnownOnes) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 2;
  auto& s = ready_stack(settings);
  for (int i = 0; i < 2; ++i) EXPECT_THROW(login(s, "ghost@example.com"), Unauthorized);
  EXPECT_THROW(login(s, "ghost@example.com"), TooManyRequests);
}

TEST_F(AuthServiceTest, Throttle_SuccessRestartsThePairAndGivesTheAttemptBackToTheOthers) {
  auto& s = ready_stack();
  register_user(s, "hal@example.com");
  for (int i = 0; i < 4; ++i) EXPECT_THROW(login(s, "hal@example.com", "wrong password 123"), Unauthorized);
  login(s, "hal@example.com");
  EXPECT_EQ(count("SELECT count(*) FROM auth.login_throttle WHERE key LIKE 'pair:hal@example.com %'"), 0);
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'address:192.0.2.1'"), "4");
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'account:hal@example.com'"), "4");
  for (int i = 0; i < 5; ++i) EXPECT_THROW(login(s, "hal@example.com", "wrong password 123"), Unauthorized);
  EXPECT_THROW(login(s, "hal@example.com"), TooManyRequests);
}

TEST_F(AuthServiceTest, Throttle_AddressIsRefusedAcrossAccounts) {
  auto settings = test_settings();
  settings.max_failures_per_address = 3;
  auto& s = ready_stack(settings);
  register_user(s, "ida@example.com");
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(login(s, "spray" + std::to_string(i) + "@example.com", kPassword, "203.0.113.7"), Unauthorized);
  }
  EXPECT_THROW(login(s, "ida@example.com", kPassword, "203.0.113.7"), TooManyRequests);
  EXPECT_NO_THROW(login(s, "ida@example.com", kPassword, "203.0.113.8"));
  EXPECT_EQ(count("SELECT count(*) FROM auth.login_throttle WHERE key = 'account:ida@example.com'"), 1)
      << "only the attempt that was let through counts against the account";
}

TEST_F(AuthServiceTest, Throttle_ConcurrentGuessesCannotExceedTheLimit) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 3;
  auto& s = ready_stack(settings);
  register_user(s, "jon@example.com");
  std::atomic<int> unauthorized{0}, throttled{0}, other{0};
  auto guess = [&](int i) -> asio::awaitable<void> {
    try {
      co_await s.service.login("jon@example.com", "wrong guess #" + std::to_string(i), "192.0.2.50");
      ++other;
    } catch (const TooManyRequests&) {
      ++throttled;
    } catch (const Unauthorized&) {
      ++unauthorized;
    } catch (...) {
      ++other;
    }
  };
  run_parallel(10, guess);
  EXPECT_EQ(unauthorized.load(), 3) << "only the allowed attempts may reach the password check";
  EXPECT_EQ(throttled.load(), 7);
  EXPECT_EQ(other.load(), 0);
}

// A household or an office signs in at once: the attempts beyond the allowance were counted as
// failures until the first ones were checked, and refused (5 of 8 correct logins got a 429).
// Now they wait for those to end, and all pass, while concurrent guesses still stop at the
// allowance (the test above).
TEST_F(AuthServiceTest, Throttle_ConcurrentCorrectLoginsAreAllAllowed) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 3;
  auto& s = ready_stack(settings);
  register_user(s, "joy@example.com");
  std::atomic<int> signed_in{0}, refused{0};
  auto sign_in = [&](int) -> asio::awaitable<void> {
    try {
      co_await s.service.login("joy@example.com", kPassword, "192.0.2.51");
      ++signed_in;
    } catch (...) {
      ++refused;
    }
  };
  run_parallel(10, sign_in);
  EXPECT_EQ(signed_in.load(), 10);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM auth.login_throttle WHERE key LIKE 'pair:joy@example.com %'"), 0);
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'account:joy@example.com'"), "0")
      << "every success gave its attempt back";
}

TEST_F(AuthServiceTest, Throttle_ConcurrentCorrectLoginsOfManyAccountsFromOneAddressAreAllAllowed) {
  auto settings = test_settings();
  settings.max_failures_per_address = 3;
  auto& s = ready_stack(settings);
  for (int i = 0; i < 10; ++i) register_user(s, "fleet" + std::to_string(i) + "@example.com");
  std::atomic<int> signed_in{0}, refused{0};
  auto sign_in = [&](int i) -> asio::awaitable<void> {
    try {
      co_await s.service.login("fleet" + std::to_string(i) + "@example.com", kPassword, "192.0.2.52");
      ++signed_in;
    } catch (...) {
      ++refused;
    }
  };
  run_parallel(10, sign_in);
  EXPECT_EQ(signed_in.load(), 10);
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(scalar("SELECT failures FROM auth.login_throttle WHERE key = 'address:192.0.2.52'"), "0");
  // And the address still stops guessing at its allowance.
  for (int i = 0; i < 3; ++i) {
    EXPECT_THROW(login(s, "fleet" + std::to_string(i) + "@example.com", "wrong password 1", "192.0.2.52"),
                 Unauthorized);
  }
  EXPECT_THROW(login(s, "fleet9@example.com", kPassword, "192.0.2.52"), TooManyRequests);
}

// A wait owed only to an attempt that was then given back is lifted with it.
TEST_F(AuthServiceTest, Throttle_AGivenBackAttemptLeavesNoWaitBehind) {
  auto settings = test_settings();
  settings.max_failures_per_address = 2;
  auto& s = ready_stack(settings);
  register_user(s, "amy@example.com");
  register_user(s, "bob@example.com");
  EXPECT_THROW(login(s, "amy@example.com", "wrong password 1", "192.0.2.53"), Unauthorized);
  // The second attempt reaches the allowance (a wait is set), then succeeds and is given back.
  EXPECT_NO_THROW(login(s, "bob@example.com", kPassword, "192.0.2.53"));
  EXPECT_NO_THROW(login(s, "bob@example.com", kPassword, "192.0.2.53")) << "no wait left by a success";
  EXPECT_THROW(login(s, "amy@example.com", "wrong password 2", "192.0.2.53"), Unauthorized);
  EXPECT_THROW(login(s, "bob@example.com", kPassword, "192.0.2.53"), TooManyRequests);
}

// ---- refresh -----------------------------------------------------------------------------

TEST_F(AuthServiceTest, Refresh_RotatesTheTokenWithinTheSameSession) {
  auto& s = ready_stack();
  register_user(s, "kim@example.com");
  auto first = login(s, "kim@example.com");
  auto second = run(s.service.refresh(first.refresh_token));
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_NE(second.access_token, first.access_token);
  EXPECT_EQ(principal_of(s, second).session_id, principal_of(s, first).session_id);
  auto third = run(s.service.refresh(second.refresh_token));
  EXPECT_EQ(principal_of(s, third).session_id, principal_of(s, first).session_id);
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_tokens WHERE used_at IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_token_families"), 1);
}

TEST_F(AuthServiceTest, Refresh_ReusingASpentTokenRevokesTheWholeFamily) {
  auto& s = ready_stack();
  register_user(s, "lea@example.com");
  auto stolen = login(s, "lea@example.com");
  const auto session = principal_of(s, stolen).session_id;
  auto legit = run(s.service.refresh(stolen.refresh_token));
  auto other_session = login(s, "lea@example.com");

  EXPECT_THROW(run(s.service.refresh(stolen.refresh_token)), Unauthorized);  // the thief replays
  EXPECT_EQ(scalar("SELECT revoked_reason FROM auth.refresh_token_families WHERE id = '" + session + "'"),
            "reuse_detected");
  // The legitimate holder's newer token and access token die with the family...
  EXPECT_THROW(run(s.service.refresh(legit.refresh_token)), Unauthorized);
  EXPECT_THROW(s.verifier.verify(legit.access_token), Unauthorized);
  // ...and another session of the same user does not.
  EXPECT_NO_THROW(principal_of(s, other_session));
  EXPECT_NO_THROW(run(s.service.refresh(other_session.refresh_token)));
}

TEST_F(AuthServiceTest, Refresh_TenConcurrentUsesOfOneTokenExactlyOneSucceeds) {
  auto& s = ready_stack();
  register_user(s, "max@example.com");
  auto tokens = login(s, "max@example.com");
  std::atomic<int> ok{0}, unauthorized{0}, other{0};
  std::mutex mutex;
  std::vector<TokenPair> winners;
  auto use = [&](int) -> asio::awaitable<void> {
    try {
      auto pair = co_await s.service.refresh(tokens.refresh_token);
      ++ok;
      std::lock_guard lock(mutex);
      winners.push_back(pair);
    } catch (const Unauthorized&) {
      ++unauthorized;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      ++other;
    }
  };
  run_parallel(10, use);
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(unauthorized.load(), 9);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_tokens"), 2) << "one rotation, no more";
  // The losers presented a spent token: that is reuse, and the session ends for everyone.
  EXPECT_EQ(scalar("SELECT revoked_reason FROM auth.refresh_token_families"), "reuse_detected");
  ASSERT_EQ(winners.size(), 1u);
  EXPECT_THROW(run(s.service.refresh(winners[0].refresh_token)), Unauthorized);
}

TEST_F(AuthServiceTest, Refresh_UnknownExpiredAndGarbageTokensAreRefusedWithoutRevoking) {
  auto& s = ready_stack();
  register_user(s, "ned@example.com");
  auto tokens = login(s, "ned@example.com");
  EXPECT_THROW(run(s.service.refresh("")), Unauthorized);
  EXPECT_THROW(run(s.service.refresh(std::string(10000, 'a'))), Unauthorized);
  EXPECT_THROW(run(s.service.refresh(security::random_token())), Unauthorized);
  db_.exec("UPDATE auth.refresh_tokens SET issued_at = now() - interval '31 days', "
           "expires_at = now() - interval '1 day'");
  EXPECT_THROW(run(s.service.refresh(tokens.refresh_token)), Unauthorized);
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_token_families WHERE revoked_at IS NOT NULL"), 0);
}

TEST_F(AuthServiceTest, Refresh_DisabledAccountIsRefusedAndItsAccessTokensStopAtOnce) {
  auto& s = ready_stack();
  auto user = register_user(s, "oda@example.com");
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  auto tokens = login(s, "oda@example.com");
  Principal root{admin.id, {"admin"}, "jti", ""};
  auto disabled = run(s.admin.disable(root, user.id));
  EXPECT_TRUE(disabled.disabled());
  EXPECT_THROW(run(s.service.refresh(tokens.refresh_token)), Unauthorized);
  EXPECT_THROW(s.verifier.verify(tokens.access_token), Unauthorized);
  EXPECT_EQ(scalar("SELECT revoked_reason FROM auth.refresh_token_families"), "user_disabled");

  // Enabled again: can sign in, but the old session stays dead.
  run(s.admin.enable(user.id));
  EXPECT_THROW(run(s.service.refresh(tokens.refresh_token)), Unauthorized);
  EXPECT_NO_THROW(login(s, "oda@example.com"));
}

TEST_F(AuthServiceTest, Refresh_CarriesTheCurrentRoles) {
  auto& s = ready_stack();
  auto user = register_user(s, "pia@example.com");
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  auto tokens = login(s, "pia@example.com");
  Principal root{admin.id, {"admin"}, "jti", ""};
  run(s.admin.set_roles(root, user.id, {"driver", "customer"}));
  auto next = run(s.service.refresh(tokens.refresh_token));
  EXPECT_EQ(principal_of(s, next).roles, (std::vector<std::string>{"customer", "driver"}));
}

// ---- logout and password -----------------------------------------------------------------

TEST_F(AuthServiceTest, Logout_EndsThatSessionOnly) {
  auto& s = ready_stack();
  register_user(s, "quinn@example.com");
  auto phone = login(s, "quinn@example.com");
  auto laptop = login(s, "quinn@example.com");
  run(s.service.logout(principal_of(s, laptop), phone.refresh_token));
  EXPECT_THROW(run(s.service.refresh(phone.refresh_token)), Unauthorized);
  EXPECT_THROW(s.verifier.verify(phone.access_token), Unauthorized);
  EXPECT_NO_THROW(principal_of(s, laptop));
  EXPECT_NO_THROW(run(s.service.refresh(laptop.refresh_token)));
}

TEST_F(AuthServiceTest, Logout_WithoutATokenEndsTheCallersSession) {
  auto& s = ready_stack();
  register_user(s, "ray@example.com");
  auto tokens = login(s, "ray@example.com");
  run(s.service.logout(principal_of(s, tokens), std::nullopt));
  EXPECT_THROW(run(s.service.refresh(tokens.refresh_token)), Unauthorized);
  EXPECT_EQ(scalar("SELECT revoked_reason FROM auth.refresh_token_families"), "logout");
}

TEST_F(AuthServiceTest, Logout_AnotherUsersTokenIsIgnored) {
  auto& s = ready_stack();
  register_user(s, "sam@example.com");
  register_user(s, "tia@example.com");
  auto sam = login(s, "sam@example.com");
  auto tia = login(s, "tia@example.com");
  EXPECT_NO_THROW(run(s.service.logout(principal_of(s, sam), tia.refresh_token)));
  EXPECT_NO_THROW(run(s.service.refresh(tia.refresh_token)));
  EXPECT_NO_THROW(run(s.service.logout(principal_of(s, sam), std::string("garbage"))));
}

TEST_F(AuthServiceTest, LogoutAll_EndsEverySession) {
  auto& s = ready_stack();
  register_user(s, "uma@example.com");
  auto a = login(s, "uma@example.com");
  auto b = login(s, "uma@example.com");
  run(s.service.logout_all(principal_of(s, a)));
  EXPECT_THROW(run(s.service.refresh(a.refresh_token)), Unauthorized);
  EXPECT_THROW(run(s.service.refresh(b.refresh_token)), Unauthorized);
  EXPECT_THROW(s.verifier.verify(a.access_token), Unauthorized);
  EXPECT_THROW(s.verifier.verify(b.access_token), Unauthorized);
}

TEST_F(AuthServiceTest, ChangePassword_KeepsThisSessionRevokesTheOthersAndSwapsThePassword) {
  auto& s = ready_stack();
  register_user(s, "val@example.com");
  auto here = login(s, "val@example.com");
  auto elsewhere = login(s, "val@example.com");
  PasswordChange change{kPassword, "a brand new passphrase"};
  run(s.service.change_password(principal_of(s, here), change, "192.0.2.1"));
  EXPECT_NO_THROW(principal_of(s, here));
  EXPECT_NO_THROW(run(s.service.refresh(here.refresh_token)));
  EXPECT_THROW(run(s.service.refresh(elsewhere.refresh_token)), Unauthorized);
  EXPECT_THROW(s.verifier.verify(elsewhere.access_token), Unauthorized);
  EXPECT_THROW(login(s, "val@example.com"), Unauthorized);
  EXPECT_NO_THROW(login(s, "val@example.com", "a brand new passphrase"));
}

TEST_F(AuthServiceTest, ChangePassword_WrongCurrentIsAFieldErrorAndIsThrottled) {
  auto settings = test_settings();
  settings.max_failures_per_account_and_address = 2;
  settings.throttle_max_delay = 60s;
  auto& s = ready_stack(settings);
  register_user(s, "wes@example.com");
  auto tokens = login(s, "wes@example.com");
  auto principal = principal_of(s, tokens);
  PasswordChange wrong{"not my password", "a brand new passphrase"};
  auto e = expect_error<ValidationError>([&] { run(s.service.change_password(principal, wrong, "192.0.2.1")); });
  ASSERT_EQ(e.errors().size(), 1u);
  EXPECT_EQ(e.errors()[0].field, "current_password");
  EXPECT_THROW(run(s.service.change_password(principal, wrong, "192.0.2.1")), ValidationError);
  PasswordChange right{kPassword, "a brand new passphrase"};
  EXPECT_THROW(run(s.service.change_password(principal, right, "192.0.2.1")), TooManyRequests);
  PasswordChange too_short{kPassword, "short"};
  EXPECT_THROW(run(s.service.change_password(principal, too_short, "192.0.2.1")), ValidationError);
}

// ---- admin -------------------------------------------------------------------------------

TEST_F(AuthServiceTest, Admin_ListsPagesInCreationOrderWithFilters) {
  auto& s = stack();
  std::vector<std::string> ids;
  auto root = run(s.service.create_admin("root@example.com", "Root", kPassword));
  const Principal admin{root.id, {"admin"}, "jti", ""};
  ids.push_back(root.id);
  for (int i = 0; i < 4; ++i) {
    auto email = "user" + std::to_string(i) + "@example.com";
    ids.push_back(i % 2 ? register_approved(s, admin, email, "driver").id : register_user(s, email).id);
  }
  const UserFilter all;
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = run(s.admin.list(all, 2, cursor));
    for (const auto& u : page.items) seen.push_back(u.id);
    cursor = page.next_cursor;
    ++pages;
  } while (cursor);
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);

  UserFilter drivers;
  drivers.role = "driver";
  EXPECT_EQ(run(s.admin.list(drivers, 100, std::nullopt)).items.size(), 2u);
  UserFilter by_email;
  by_email.email = " USER2@example.com";
  auto found = run(s.admin.list(by_email, 100, std::nullopt)).items;
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, ids[3]);

  EXPECT_THROW(run(s.admin.list(all, 10, std::string("bogus"))), ValidationError);
  UserFilter bad_role;
  bad_role.role = "root";
  EXPECT_THROW(run(s.admin.list(bad_role, 10, std::nullopt)), ValidationError);
  EXPECT_EQ(run(s.admin.list(all, 1000, std::nullopt)).items.size(), 5u);
}

TEST_F(AuthServiceTest, Admin_RemovingARoleEndsSessionsAddingOneDoesNot) {
  auto& s = ready_stack();
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  auto user = register_approved(s, root, "xan@example.com", "merchant");
  auto tokens = login(s, "xan@example.com");
  run(s.admin.set_roles(root, user.id, {"customer", "merchant", "driver"}));
  EXPECT_NO_THROW(principal_of(s, tokens));
  auto updated = run(s.admin.set_roles(root, user.id, {"driver"}));
  EXPECT_EQ(updated.roles, std::vector<std::string>{"driver"});
  EXPECT_THROW(principal_of(s, tokens), Unauthorized);
  EXPECT_EQ(scalar("SELECT revoked_reason FROM auth.refresh_token_families"), "roles_changed");
}

TEST_F(AuthServiceTest, Admin_GuardsAgainstLockingThemselvesOutAndUnknownUsers) {
  auto& s = stack();
  auto admin = run(s.service.create_admin("root@example.com", "Root", kPassword));
  Principal root{admin.id, {"admin"}, "jti", ""};
  EXPECT_THROW(run(s.admin.set_roles(root, admin.id, {"customer"})), Conflict);
  EXPECT_THROW(run(s.admin.disable(root, admin.id)), Conflict);
  EXPECT_NO_THROW(run(s.admin.set_roles(root, admin.id, {"admin", "customer"})));
  auto missing = "018f0000-0000-7000-8000-000000000000";
  EXPECT_THROW(run(s.admin.disable(root, missing)), NotFound);
  EXPECT_THROW(run(s.admin.enable(missing)), NotFound);
  EXPECT_THROW(run(s.admin.set_roles(root, missing, {"driver"})), NotFound);
  EXPECT_THROW(run(s.admin.get("not-a-uuid")), NotFound);
  EXPECT_THROW(run(s.admin.set_roles(root, admin.id, {"root"})), ValidationError);
}

// ---- session limits ----------------------------------------------------------------------

TEST_F(AuthServiceTest, Sessions_ARefreshNeverTakesASessionPastItsAbsoluteLifetime) {
  auto settings = test_settings();
  settings.session_max_age = 3600s;
  auto& s = ready_stack(settings);
  register_user(s, "abs@example.com");
  auto tokens = login(s, "abs@example.com");
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_tokens WHERE expires_at > now() + interval '3601 seconds'"), 0)
      << "a token does not outlive its session";
  tokens = run(s.service.refresh(tokens.refresh_token));
  // The login was 59 minutes ago: refreshing still works, within the hour.
  db_.exec("UPDATE auth.refresh_token_families SET created_at = now() - interval '59 minutes'");
  tokens = run(s.service.refresh(tokens.refresh_token));
  EXPECT_LE(count("SELECT ceil(extract(epoch FROM max(expires_at) - now()))::bigint FROM auth.refresh_tokens "
                  "WHERE used_at IS NULL"),
            60)
      << "the new token ends with the session";
  // Past the hour, however recently it was refreshed, the session is over.
  db_.exec("UPDATE auth.refresh_token_families SET created_at = now() - interval '61 minutes'");
  EXPECT_THROW(run(s.service.refresh(tokens.refresh_token)), Unauthorized);
  EXPECT_NO_THROW(login(s, "abs@example.com")) << "signing in again starts a new one";
}

TEST_F(AuthServiceTest, Sessions_ALoginPastTheCapRevokesTheOldest) {
  auto settings = test_settings();
  settings.max_sessions_per_user = 3;
  auto& s = ready_stack(settings);
  register_user(s, "cap@example.com");
  std::vector<TokenPair> sessions;
  for (int i = 0; i < 5; ++i) sessions.push_back(login(s, "cap@example.com"));
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_token_families WHERE revoked_at IS NULL"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_token_families WHERE revoked_reason = 'session_limit'"), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_THROW(principal_of(s, sessions[static_cast<std::size_t>(i)]), Unauthorized) << "oldest " << i;
    EXPECT_THROW(run(s.service.refresh(sessions[static_cast<std::size_t>(i)].refresh_token)), Unauthorized);
  }
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_NO_THROW(principal_of(s, sessions[i]));
    EXPECT_NO_THROW(run(s.service.refresh(sessions[i].refresh_token)));
  }
  // Another account's sessions are not counted.
  register_user(s, "other@example.com");
  login(s, "other@example.com");
  EXPECT_EQ(count("SELECT count(*) FROM auth.refresh_token_families WHERE revoked_at IS NULL"), 4);
}

// ---- several instances -------------------------------------------------------------------

TEST_F(AuthServiceTest, RevocationsReachAnotherInstanceWhenItReloads) {
  auto& a = ready_stack();
  auto& b = stack(test_settings(), &other_pool());
  run(b.keys.initialize());
  register_user(a, "yul@example.com");
  auto tokens = login(a, "yul@example.com");
  EXPECT_NO_THROW(principal_of(b, tokens));
  run(a.service.logout_all(principal_of(a, tokens)));
  EXPECT_NO_THROW(principal_of(b, tokens)) << "b has not reloaded yet";
  auto started = std::chrono::steady_clock::now();
  auto revoked = run(b.refresh_tokens.recently_revoked(b.settings.revocation_window()));
  b.revocations.replace(revoked, started);
  EXPECT_THROW(principal_of(b, tokens), Unauthorized);
}

}  // namespace
}  // namespace nelo::auth::test
