// Throttle keys: accounts by normalised e-mail, clients by address (IPv6 by /64).

#include "modules/auth/services/login_throttle.hpp"

#include <gtest/gtest.h>

namespace nelo::auth {
namespace {

TEST(AuthThrottleKeys, AccountsByEmail) {
  EXPECT_EQ(LoginThrottle::account_key("ana@example.com"), "account:ana@example.com");
}

TEST(AuthThrottleKeys, AddressesIpv4AsIsAndIpv6ByPrefix) {
  EXPECT_EQ(LoginThrottle::address_key("203.0.113.7"), "address:203.0.113.7");
  EXPECT_EQ(LoginThrottle::address_key("::ffff:203.0.113.7"), "address:203.0.113.7");
  EXPECT_EQ(LoginThrottle::address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "address:2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::address_key("2001:db8:1:2::1"), LoginThrottle::address_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(LoginThrottle::address_key("2001:db8:1:2::1"), LoginThrottle::address_key("2001:db8:1:3::1"));
  EXPECT_EQ(LoginThrottle::address_key(""), "address:unknown");
  EXPECT_EQ(LoginThrottle::address_key("not an address"), "address:not an address");
}

TEST(AuthThrottleKeys, PairsAndRegistrationsByAddressKey) {
  EXPECT_EQ(LoginThrottle::pair_key("ana@example.com", "203.0.113.7"), "pair:ana@example.com 203.0.113.7");
  EXPECT_EQ(LoginThrottle::pair_key("ana@example.com", "2001:db8:1:2::1"), "pair:ana@example.com 2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::registration_key("::ffff:203.0.113.7"), "register:203.0.113.7");
}

// The account-wide counter is counted last and waits least: the owner can be slowed, never locked.
TEST(AuthThrottleRules, NarrowestFirstAndTheAccountCeilingWaitsLeast) {
  AuthSettings settings;
  auto rules = LoginThrottle::login_rules(settings, "ana@example.com", "203.0.113.7");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].key, "pair:ana@example.com 203.0.113.7");
  EXPECT_EQ(rules[0].allowance, 5);
  EXPECT_EQ(rules[1].key, "address:203.0.113.7");
  EXPECT_EQ(rules[1].allowance, 20);
  EXPECT_EQ(rules[2].key, "account:ana@example.com");
  EXPECT_EQ(rules[2].allowance, 100);
  EXPECT_EQ(rules[2].max_delay, std::chrono::seconds(30));
  EXPECT_GT(rules[0].max_delay, rules[2].max_delay);
}

}  // namespace
}  // namespace nelo::auth
