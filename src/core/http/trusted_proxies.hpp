#pragma once
// Which address a request came from when Nelo runs behind reverse proxies (load balancers).
// Per-address limits (login throttling) and access logs need the client's address, not the
// proxy's: behind one load balancer every client would otherwise share one address, and one
// attacker could lock every user out.
//
// Only proxies the operator lists (NELO_TRUSTED_PROXIES: addresses, or CIDR blocks of at most
// 256 addresses: /24 and narrower for IPv4, /120 for IPv6) are believed; a whole private range
// such as 10.0.0.0/8 is refused, since every machine in it could then name any client.
// When the connection comes from one of them, X-Forwarded-For is read from the right (the hop
// nearest to us) and each trusted address is skipped; the first address that is not trusted is
// the client. Anything a client writes into the header itself sits to the left of that and is
// never reached. A connection from anywhere else is its own client address, whatever it sends.

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::http {

class TrustedProxies {
 public:
  // Nobody trusted: the socket's peer is always the client.
  TrustedProxies() = default;

  // "10.0.4.17, 192.168.1.0/28, ::1, fd00::a:0/120": comma- or space-separated addresses and
  // CIDR blocks of at most 256 addresses. Throws std::invalid_argument naming the first entry
  // that is neither, or a block wider than that.
  static TrustedProxies parse(std::string_view list);

  bool empty() const noexcept { return v4_.empty() && v6_.empty(); }
  bool trusts(const boost::asio::ip::address& address) const;

  // The client's address for a connection from `peer` carrying `forwarded_for` (every
  // X-Forwarded-For header of the request, joined with commas in the order received). When the
  // header runs out, or holds something that is not an address, the last address reached (a
  // trusted proxy) is the answer.
  std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace nelo::http
