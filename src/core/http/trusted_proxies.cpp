#include "core/http/trusted_proxies.hpp"

#include <stdexcept>

#include "core/text.hpp"

namespace nelo::http {

namespace ip = boost::asio::ip;

namespace {

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t'; }

// IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d: compare them as IPv4.
ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return unmapped(a);
}

// An X-Forwarded-For element: an address, possibly "[v6]" or with a port as some proxies write.
std::optional<ip::address> parse_forwarded(std::string_view text) {
  text = trimmed(text);
  if (auto a = parse_address(text)) return a;
  if (!text.empty() && text.front() == '[') {  // [2001:db8::1] or [2001:db8::1]:443
    auto close = text.find(']');
    if (close != std::string_view::npos) return parse_address(text.substr(1, close - 1));
    return std::nullopt;
  }
  if (auto colon = text.find(':'); colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    return parse_address(text.substr(0, colon));  // 203.0.113.7:5123
  }
  return std::nullopt;
}

// A block of more than 256 addresses (a whole private range, a cloud's VPC) trusts machines that
// are not proxies: any of them could then write the client address it likes.
constexpr int kNarrowestV4Prefix = 24;
constexpr int kNarrowestV6Prefix = 120;

std::invalid_argument too_wide(const std::string& entry, int host_bits) {
  return std::invalid_argument("'" + entry + "' spans 2^" + std::to_string(host_bits) +
                               " addresses: list your proxies exactly (addresses, or blocks of at most 256 addresses)");
}

}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && is_separator(list[i])) ++i;
    std::size_t start = i;
    while (i < list.size() && !is_separator(list[i])) ++i;
    std::string_view entry = list.substr(start, i - start);
    if (entry.empty()) continue;
    const std::string text(entry);
    boost::system::error_code ec;
    if (entry.find('/') != std::string_view::npos) {
      if (entry.find(':') != std::string_view::npos) {
        auto net = ip::make_network_v6(text, ec);
        if (!ec) {
          if (net.prefix_length() < kNarrowestV6Prefix) throw too_wide(text, 128 - net.prefix_length());
          out.v6_.push_back(net.canonical());
          continue;
        }
      } else {
        auto net = ip::make_network_v4(text, ec);
        if (!ec) {
          if (net.prefix_length() < kNarrowestV4Prefix) throw too_wide(text, 32 - net.prefix_length());
          out.v4_.push_back(net.canonical());
          continue;
        }
      }
    } else if (auto a = parse_address(entry)) {
      if (a->is_v4()) {
        out.v4_.emplace_back(a->to_v4(), 32);
      } else {
        out.v6_.emplace_back(a->to_v6(), 128);
      }
      continue;
    }
    throw std::invalid_argument("'" + text + "' is neither an IP address nor a CIDR block");
  }
  return out;
}

bool TrustedProxies::trusts(const ip::address& address) const {
  const ip::address a = unmapped(address);
  if (a.is_v4()) {
    for (const auto& net : v4_) {
      if (ip::network_v4(a.to_v4(), net.prefix_length()).canonical() == net) return true;
    }
  } else {
    for (const auto& net : v6_) {
      if (ip::network_v6(a.to_v6(), net.prefix_length()).canonical() == net) return true;
    }
  }
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer, std::optional<std::string_view> forwarded_for) const {
  if (empty() || !forwarded_for) return std::string(peer);
  auto peer_address = parse_address(peer);
  if (!peer_address || !trusts(*peer_address)) return std::string(peer);

  ip::address client = *peer_address;
  std::string_view rest = *forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view element = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (trimmed(element).empty()) continue;
    auto hop = parse_forwarded(element);
    if (!hop) break;  // not an address: believe nothing further left
    client = *hop;
    if (!trusts(client)) break;
  }
  return client.to_string();
}

}  // namespace nelo::http
