// The in-memory deny list of revoked sessions and the verifier that consults it.

#include "modules/auth/services/session_revocations.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"

namespace nelo::auth {
namespace {

using SteadyClock = std::chrono::steady_clock;

TEST(AuthSessionRevocations, AddedSessionsAreRevoked) {
  SessionRevocations r;
  EXPECT_FALSE(r.contains("s1"));
  r.add({"s1", "s2"});
  EXPECT_TRUE(r.contains("s1"));
  EXPECT_TRUE(r.contains("s2"));
  EXPECT_FALSE(r.contains("s3"));
}

TEST(AuthSessionRevocations, ReplaceKeepsLocalRevocationsTheQueryMayHaveMissed) {
  SessionRevocations r;
  r.add({"old-local"});
  auto query_started = SteadyClock::now();
  r.add({"new-local"});  // committed while the reload query ran
  r.replace({"from-db"}, query_started);
  EXPECT_TRUE(r.contains("from-db"));
  EXPECT_TRUE(r.contains("new-local"));
  EXPECT_FALSE(r.contains("old-local")) << "older than the query: the database listed it if it is still relevant";
  EXPECT_EQ(r.size(), 2u);
}

TEST(AuthSessionRevocations, DatabaseEntriesLeaveWhenTheNextQueryNoLongerListsThem) {
  SessionRevocations r;
  r.replace({"a", "b"}, SteadyClock::now());
  r.replace({"b"}, SteadyClock::now());
  EXPECT_FALSE(r.contains("a"));
  EXPECT_TRUE(r.contains("b"));
}

class FakeVerifier final : public AccessTokenVerifier {
 public:
  Principal verify(std::string_view token) const override {
    if (token == "bad") throw Unauthorized("invalid token");
    Principal p;
    p.user_id = "u";
    p.session_id = std::string(token);
    return p;
  }
};

TEST(AuthTokenVerifier, RefusesTokensOfRevokedSessions) {
  FakeVerifier jwt;
  SessionRevocations revocations;
  AuthTokenVerifier verifier(jwt, revocations);
  EXPECT_EQ(verifier.verify("s1").session_id, "s1");
  EXPECT_THROW(verifier.verify("bad"), Unauthorized);
  revocations.add({"s1"});
  EXPECT_THROW(verifier.verify("s1"), Unauthorized);
  EXPECT_NO_THROW(verifier.verify("s2"));
  EXPECT_NO_THROW(verifier.verify("")) << "a token without a session is not matched against the list";
}

}  // namespace
}  // namespace nelo::auth
