// Signing keys against PostgreSQL: generated once even when instances start together, sealed at
// rest, refused without the right key-encryption key, rotated with an overlap, reloaded by other
// instances; and the module's start/stop and operator hooks.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <thread>

#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "integration/auth_fixture.hpp"

namespace nelo::auth::test {
namespace {

class AuthKeysTest : public AuthTest {
 protected:
  security::JwtClaims claims(const std::string& subject = "018f3c1e-0000-7000-8000-000000000001") {
    security::JwtClaims c;
    c.issuer = "nelo";
    c.audience = "nelo-api";
    c.subject = subject;
    c.roles = {"customer"};
    c.issued_at = clock_.now();
    c.expires_at = c.issued_at + std::chrono::minutes(15);
    c.token_id = "jti";
    return c;
  }

  static std::string kid_of(const std::string& token) {
    auto header = security::base64url_decode(token.substr(0, token.find('.')));
    return std::string(json::parse(*header).at("kid").as_string());
  }
};

TEST_F(AuthKeysTest, FirstStartGeneratesOneSealedKey) {
  auto& s = ready_stack();
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 1);
  auto sealed = scalar("SELECT private_key_sealed FROM auth.signing_keys");
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
  auto token = s.keys.sign(claims());
  EXPECT_EQ(kid_of(token), scalar("SELECT kid FROM auth.signing_keys"));
  EXPECT_NO_THROW(s.keys.verifier().verify(token));
  ASSERT_EQ(s.keys.jwks().size(), 1u);
  EXPECT_FALSE(s.keys.jwks()[0].as_object().contains("d"));
  // A second start finds it and makes no other.
  auto& again = stack();
  run(again.keys.initialize());
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 1);
  EXPECT_NO_THROW(again.keys.verifier().verify(token));
}

TEST_F(AuthKeysTest, InstancesStartingTogetherAgreeOnOneKey) {
  std::vector<AuthStack*> stacks;
  for (int i = 0; i < 4; ++i) stacks.push_back(&stack(test_settings(), &other_pool()));
  auto start = [&](int i) -> asio::awaitable<void> { co_await stacks[static_cast<std::size_t>(i)]->keys.initialize(); };
  run_parallel(4, start);
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 1);
  auto token = stacks[0]->keys.sign(claims());
  for (auto* s : stacks) {
    EXPECT_EQ(s->keys.key_ids(), stacks[0]->keys.key_ids());
    EXPECT_NO_THROW(s->keys.verifier().verify(token));
  }
}

TEST_F(AuthKeysTest, ModulesStartingTogetherOnOneDatabaseAgreeOnOneKey) {
  std::vector<std::unique_ptr<AuthModule>> modules;
  for (int i = 0; i < 3; ++i) modules.push_back(make_module(context(other_pool()), test_settings()));
  auto lifecycle = [&](int i) -> asio::awaitable<void> {
    auto& module = *modules[static_cast<std::size_t>(i)];
    co_await module.start();
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
    co_await pause.async_wait(asio::use_awaitable);
    co_await module.stop();
  };
  run_parallel(3, lifecycle);
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 1);
}

TEST_F(AuthKeysTest, MissingKeyEncryptionKeyIsAClearStartupError) {
  auto settings = test_settings();
  settings.key_encryption_key.clear();
  auto& s = stack(settings);
  try {
    run(s.keys.initialize());
    FAIL() << "no exception";
  } catch (const KeyRingError& e) {
    EXPECT_STREQ(e.what(), "NELO_JWT_KEY_ENCRYPTION_KEY must be set: 64 hex chars; generate with `openssl rand -hex 32`");
  }
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 0);
  auto module = make_module(context(*pool_), settings);
  EXPECT_THROW(run(module->start()), KeyRingError);
  EXPECT_THROW(run(module->rotate_keys()), KeyRingError);
}

TEST_F(AuthKeysTest, WrongKeyEncryptionKeyIsRefusedAtStart) {
  ready_stack();
  auto settings = test_settings();
  settings.key_encryption_key = std::string(64, 'f');
  auto& other = stack(settings);
  try {
    run(other.keys.initialize());
    FAIL() << "no exception";
  } catch (const KeyRingError& e) {
    EXPECT_NE(std::string(e.what()).find("NELO_JWT_KEY_ENCRYPTION_KEY is not the key"), std::string::npos) << e.what();
  }
}

TEST_F(AuthKeysTest, RotationPublishesFirstSignsAfterTheDelayAndRetiresTheOldKeyLater) {
  auto& s = ready_stack();
  const std::string old_kid = s.keys.key_ids().at(0);
  auto old_token = s.keys.sign(claims());
  auto new_kid = run(s.keys.rotate());
  EXPECT_NE(new_kid, old_kid);
  EXPECT_EQ(s.keys.jwks().size(), 2u) << "published at once";
  EXPECT_EQ(kid_of(s.keys.sign(claims())), old_kid) << "the new key waits for the activation delay (2 s)";
  // The old key keeps verifying for delay + access TTL + leeway after the rotation.
  auto retire_in = std::stod(scalar("SELECT extract(epoch FROM retired_at - now()) FROM auth.signing_keys WHERE kid = '" +
                                    old_kid + "'"));
  EXPECT_NEAR(retire_in, 2 + 900 + 30, 5);
  EXPECT_EQ(scalar("SELECT retired_at IS NULL FROM auth.signing_keys WHERE kid = '" + new_kid + "'"), "t");

  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  auto new_token = s.keys.sign(claims());
  EXPECT_EQ(kid_of(new_token), new_kid);
  EXPECT_NO_THROW(s.keys.verifier().verify(old_token));
  EXPECT_NO_THROW(s.keys.verifier().verify(new_token));

  // Once retired, the old key is gone from the JWKS and from verification.
  db_.exec("UPDATE auth.signing_keys SET retired_at = activated_at + interval '1 second' WHERE kid = '" + old_kid + "'");
  run(s.keys.reload());
  EXPECT_EQ(s.keys.key_ids(), std::vector<std::string>{new_kid});
  EXPECT_THROW(s.keys.verifier().verify(old_token), Unauthorized);
  EXPECT_NO_THROW(s.keys.verifier().verify(new_token));
}

TEST_F(AuthKeysTest, AnotherInstanceLearnsARotationWhenItReloads) {
  auto& a = ready_stack();
  auto& b = stack(test_settings(), &other_pool());
  run(b.keys.initialize());
  auto settings = test_settings();
  settings.key_activation_delay = std::chrono::seconds(0);
  auto& rotator = stack(settings);
  run(rotator.keys.initialize());
  auto new_kid = run(rotator.keys.rotate());
  auto token = rotator.keys.sign(claims());
  ASSERT_EQ(kid_of(token), new_kid);
  EXPECT_THROW(b.keys.verifier().verify(token), Unauthorized) << "b has not reloaded";
  run(b.keys.reload());
  EXPECT_NO_THROW(b.keys.verifier().verify(token));
  EXPECT_NO_THROW(a.keys.verifier().verify(a.keys.sign(claims())));
}

TEST_F(AuthKeysTest, RotatingTwiceQuicklyKeepsEveryUnexpiredTokenVerifiable) {
  auto settings = test_settings();
  settings.key_activation_delay = std::chrono::seconds(0);
  auto& s = ready_stack(settings);
  auto t1 = s.keys.sign(claims());
  run(s.keys.rotate());
  auto t2 = s.keys.sign(claims());
  run(s.keys.rotate());
  auto t3 = s.keys.sign(claims());
  EXPECT_EQ(s.keys.key_ids().size(), 3u);
  for (const auto& t : {t1, t2, t3}) EXPECT_NO_THROW(s.keys.verifier().verify(t));
}

TEST_F(AuthKeysTest, ModuleHooksForTheCommandLine) {
  auto module = make_module(context(*pool_), test_settings());
  // Neither hook needs start().
  auto id = run(module->create_admin(" Root@Example.com ", "Root", std::string(kPassword)));
  EXPECT_EQ(scalar("SELECT roles::text FROM auth.users WHERE id = '" + id + "'"), "{admin}");
  EXPECT_EQ(scalar("SELECT email FROM auth.users WHERE id = '" + id + "'"), "root@example.com");
  EXPECT_THROW(run(module->create_admin("root@example.com", "Root", std::string(kPassword))), Conflict);
  EXPECT_THROW(run(module->create_admin("root2@example.com", "Root", "short")), ValidationError);
  auto kid = run(module->rotate_keys());
  EXPECT_EQ(scalar("SELECT kid FROM auth.signing_keys"), kid) << "no key before: the first one";
  auto next = run(module->rotate_keys());
  EXPECT_NE(next, kid);
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys"), 2);
}

TEST_F(AuthKeysTest, ModuleStartsVerifiesAndStopsPromptly) {
  auto module = make_module(context(*pool_), test_settings());
  auto& s = stack();
  auto lifecycle = [&]() -> asio::awaitable<void> {
    co_await module->start();
    co_await s.keys.initialize();
    auto token = s.keys.sign(claims());
    // The module's verifier knows the key the other instance signed with.
    auto principal = module->token_verifier().verify(token);
    EXPECT_EQ(principal.user_id, "018f3c1e-0000-7000-8000-000000000001");
    auto started = std::chrono::steady_clock::now();
    co_await module->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  };
  run(lifecycle());
}

// `nelo auth revoke-key`: a compromised key stops verifying at once here, at the next reload
// elsewhere, and something else signs.
TEST_F(AuthKeysTest, ARevokedKeyStopsVerifyingAndAnotherSignsAtOnce) {
  auto& a = ready_stack();
  auto& b = stack(test_settings(), &other_pool());
  run(b.keys.initialize());
  auto token = a.keys.sign(claims());
  const auto compromised = kid_of(token);
  EXPECT_NO_THROW(b.keys.verifier().verify(token));

  auto revocation = run(a.keys.revoke(compromised));
  EXPECT_TRUE(revocation.revoked_now);
  ASSERT_TRUE(revocation.replacement) << "the only key was revoked: a new one must sign at once";
  EXPECT_THROW(a.keys.verifier().verify(token), Unauthorized);
  auto fresh = a.keys.sign(claims());
  EXPECT_EQ(kid_of(fresh), *revocation.replacement);
  EXPECT_NO_THROW(a.keys.verifier().verify(fresh));
  for (const auto& key : a.keys.jwks()) EXPECT_NE(key.at("kid").as_string(), compromised);

  run(b.keys.reload());  // what the serving instance does every NELO_AUTH_KEY_REFRESH_SECONDS
  EXPECT_THROW(b.keys.verifier().verify(token), Unauthorized);
  EXPECT_NO_THROW(b.keys.verifier().verify(fresh));
  // A restart does not bring it back, and revoking it again changes nothing.
  auto& c = ready_stack();
  EXPECT_THROW(c.keys.verifier().verify(token), Unauthorized);
  auto again = run(a.keys.revoke(compromised));
  EXPECT_FALSE(again.revoked_now);
  EXPECT_FALSE(again.replacement);
  EXPECT_THROW(run(a.keys.revoke("no-such-kid")), KeyRingError);
}

TEST_F(AuthKeysTest, RevokingARotatedOutKeyKeepsTheCurrentSigner) {
  auto& s = ready_stack();
  auto old_token = s.keys.sign(claims());
  auto settings = test_settings();
  settings.key_activation_delay = 0s;
  auto& now = ready_stack(settings);
  auto current = run(now.keys.rotate());
  auto revocation = run(now.keys.revoke(kid_of(old_token)));
  EXPECT_TRUE(revocation.revoked_now);
  EXPECT_FALSE(revocation.replacement);
  EXPECT_EQ(kid_of(now.keys.sign(claims())), current);
  EXPECT_THROW(now.keys.verifier().verify(old_token), Unauthorized) << "no rotation overlap for a revoked key";
}

TEST_F(AuthKeysTest, RevokeKeyThroughTheModule) {
  auto module = make_module(context(*pool_), test_settings());
  auto& s = ready_stack();
  auto token = s.keys.sign(claims());
  auto report = run(module->revoke_key(kid_of(token)));
  EXPECT_NE(report.find("revoked"), std::string::npos) << report;
  EXPECT_EQ(count("SELECT count(*) FROM auth.signing_keys WHERE revoked_at IS NOT NULL"), 1);
}

}  // namespace
}  // namespace nelo::auth::test
