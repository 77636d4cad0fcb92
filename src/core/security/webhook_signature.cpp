#include "core/security/webhook_signature.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "core/security/hmac.hpp"
#include "core/security/tokens.hpp"
#include "core/text.hpp"

namespace nelo::security {
namespace {

// A header is a few dozen bytes per signature: anything this long is not one of ours, and
// bounding it bounds the MACs an attacker can make us compute.
constexpr std::size_t kMaxHeader = 1024;
constexpr std::size_t kMaxSignatures = 8;

std::string signed_payload(std::int64_t timestamp, std::string_view body) {
  std::string payload = std::to_string(timestamp);
  payload += '.';
  payload.append(body);
  return payload;
}

std::string mac_hex(std::string_view secret, std::string_view payload) {
  const auto mac = security::hmac_sha256(secret, payload);
  return security::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace

std::string_view to_string(SignatureCheck check) noexcept {
  switch (check) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Malformed: return "malformed";
    case SignatureCheck::Mismatch: return "mismatch";
    case SignatureCheck::Stale: return "stale";
  }
  return "unknown";
}

std::string sign_webhook(std::span<const std::string> secrets, std::int64_t timestamp, std::string_view body) {
  const std::string payload = signed_payload(timestamp, body);
  std::string header = "t=" + std::to_string(timestamp);
  for (const auto& secret : secrets) header += ",v1=" + mac_hex(secret, payload);
  return header;
}

SignatureCheck check_webhook_signature(std::string_view header, std::string_view body,
                                       std::span<const std::string> secrets, std::int64_t now,
                                       std::chrono::seconds tolerance) {
  if (header.empty() || header.size() > kMaxHeader) return SignatureCheck::Malformed;
  std::optional<std::int64_t> timestamp;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view item = trimmed(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return SignatureCheck::Malformed;
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "t") {
      // Unix seconds: digits only, at most 12 of them (so `now - t` cannot overflow).
      std::int64_t t = 0;
      if (timestamp || value.empty() || value.size() > 12 || value.front() == '-') return SignatureCheck::Malformed;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
      if (ec != std::errc{} || end != value.data() + value.size()) {
        return SignatureCheck::Malformed;
      }
      timestamp = t;
    } else if (key == "v1") {
      if (signatures.size() == kMaxSignatures) return SignatureCheck::Malformed;
      signatures.push_back(value);
    }
    // Other schemes (v0, a future v2) are ignored, as Stripe's libraries do.
  }
  if (!timestamp || signatures.empty()) return SignatureCheck::Malformed;
  const std::string payload = signed_payload(*timestamp, body);
  bool matched = false;
  for (const auto& secret : secrets) {
    const std::string expected = mac_hex(secret, payload);
    // Every pair is compared, matched or not: the time taken says nothing about which one did.
    for (const auto signature : signatures) matched |= security::constant_time_equal(expected, signature);
  }
  if (!matched) return SignatureCheck::Mismatch;
  const std::int64_t skew = now > *timestamp ? now - *timestamp : *timestamp - now;
  if (skew > tolerance.count()) return SignatureCheck::Stale;
  return SignatureCheck::Valid;
}

}  // namespace nelo::security
