#include "core/http/trusted_proxies.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace nelo::http {
namespace {

const TrustedProxies kLoadBalancers = TrustedProxies::parse("10.0.0.0/24 192.168.1.10, fd00::/120,::1");

TEST(TrustedProxies, ParsesAddressesAndBlocks_AndRejectsAnythingElse) {
  EXPECT_TRUE(TrustedProxies::parse("").empty());
  EXPECT_TRUE(TrustedProxies::parse(" , ").empty());
  EXPECT_FALSE(kLoadBalancers.empty());
  for (const char* bad : {"proxy.internal", "10.0.0.0/33", "10.0.0.300", "fd00::/129", "10.0.0.0/8/1", "/8"}) {
    EXPECT_THROW(TrustedProxies::parse(bad), std::invalid_argument) << bad;
  }
}

// Trusting a whole private range trusts every machine in it to name any client: a deployer
// lists its proxies, at most a small block of them.
TEST(TrustedProxies, RefusesWholeRanges_AcceptsBlocksOfAtMost256) {
  for (const char* wide : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "10.0.0.0/23", "0.0.0.0/0", "fd00::/8",
                           "fd00::/64", "fd00::/119", "::/0", "192.168.1.10, 10.0.0.0/8"}) {
    EXPECT_THROW(TrustedProxies::parse(wide), std::invalid_argument) << wide;
  }
  try {
    TrustedProxies::parse("10.0.0.0/8");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("list your proxies exactly"), std::string::npos) << e.what();
  }
  for (const char* narrow : {"10.0.0.0/24", "10.0.0.7/32", "10.0.0.7", "fd00::/120", "fd00::7/128", "::1"}) {
    EXPECT_NO_THROW(TrustedProxies::parse(narrow)) << narrow;
  }
}

TEST(TrustedProxies, MatchesBlocksSingleAddressesAndMappedIpv4) {
  namespace ip = boost::asio::ip;
  EXPECT_TRUE(kLoadBalancers.trusts(ip::make_address("10.0.0.200")));
  EXPECT_TRUE(kLoadBalancers.trusts(ip::make_address("::ffff:10.0.0.3"))) << "IPv4 on a dual-stack socket";
  EXPECT_TRUE(kLoadBalancers.trusts(ip::make_address("192.168.1.10")));
  EXPECT_FALSE(kLoadBalancers.trusts(ip::make_address("192.168.1.11")));
  EXPECT_FALSE(kLoadBalancers.trusts(ip::make_address("11.0.0.1")));
  EXPECT_FALSE(kLoadBalancers.trusts(ip::make_address("10.0.1.1")));
  EXPECT_TRUE(kLoadBalancers.trusts(ip::make_address("fd00::7")));
  EXPECT_FALSE(kLoadBalancers.trusts(ip::make_address("fd00::1:7")));
  EXPECT_TRUE(kLoadBalancers.trusts(ip::make_address("::1")));
  EXPECT_FALSE(kLoadBalancers.trusts(ip::make_address("2001:db8::1")));
}

TEST(TrustedProxies, NobodyTrusted_ThePeerIsTheClientWhateverItSends) {
  TrustedProxies none;
  EXPECT_EQ(none.client_address("203.0.113.9", "198.51.100.1"), "203.0.113.9");
  EXPECT_EQ(none.client_address("203.0.113.9", std::nullopt), "203.0.113.9");
}

TEST(TrustedProxies, AnUntrustedPeer_CannotClaimAnotherAddress) {
  EXPECT_EQ(kLoadBalancers.client_address("203.0.113.9", "198.51.100.1"), "203.0.113.9");
}

TEST(TrustedProxies, ThroughATrustedProxy_TheNearestUntrustedHopIsTheClient) {
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "198.51.100.1"), "198.51.100.1");
  // The client wrote its own header; the proxy appended what it saw: only that is believed.
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "1.2.3.4, 198.51.100.1"), "198.51.100.1");
  // Two trusted hops (an edge proxy, then an internal one).
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "1.2.3.4, 198.51.100.1, 192.168.1.10"), "198.51.100.1");
  EXPECT_EQ(kLoadBalancers.client_address("::ffff:10.0.0.5", " 198.51.100.1 "), "198.51.100.1");
  EXPECT_EQ(kLoadBalancers.client_address("::1", "2001:db8::7"), "2001:db8::7");
}

TEST(TrustedProxies, ProxiesThatWritePortsOrBrackets_AreUnderstood) {
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "198.51.100.1:5123"), "198.51.100.1");
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "[2001:db8::7]:443"), "2001:db8::7");
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "[2001:db8::7]"), "2001:db8::7");
}

TEST(TrustedProxies, MissingOrGarbledHeader_StopsAtTheLastTrustedHop) {
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", std::nullopt), "10.0.0.5");
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", ""), "10.0.0.5");
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "unknown"), "10.0.0.5");
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "198.51.100.1, garbage, 192.168.1.10"), "192.168.1.10");
  // Every hop trusted: the left-most is as far as we can see.
  EXPECT_EQ(kLoadBalancers.client_address("10.0.0.5", "10.0.0.9, 192.168.1.10"), "10.0.0.9");
}

}  // namespace
}  // namespace nelo::http
