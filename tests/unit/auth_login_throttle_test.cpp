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

}  // namespace
}  // namespace nelo::auth
