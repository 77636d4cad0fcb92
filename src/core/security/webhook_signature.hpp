#pragma once
// Stripe's webhook signature scheme, for every signed HTTP message nelo sends or receives (the
// sandbox processor's payment webhooks, the payments webhook endpoint, notifications' push
// webhook): a header `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=...]`.
// Several v1 values may come at once (the sender signs with every secret it holds while one
// rotates), and several secrets may be accepted (the receiver's side of the rotation): one match
// of any v1 with any secret is enough. Comparisons take constant time.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nelo::security {

enum class SignatureCheck {
  Valid,
  Malformed,  // no header, no `t`, no `v1`, a `t` that is not a number, too long
  Mismatch,   // well formed, but no v1 is the MAC of this body under any accepted secret
  Stale,      // the MAC matches but `t` is further than the tolerance from now (a replay)
};

std::string_view to_string(SignatureCheck check) noexcept;

// The header for `body` sent at `timestamp` (unix seconds), one v1 per secret, in order.
std::string sign_webhook(std::span<const std::string> secrets, std::int64_t timestamp, std::string_view body);

// Checks `header` against `body`: the signature first (so a forger learns nothing about the
// clock), then the timestamp, |now - t| <= tolerance.
SignatureCheck check_webhook_signature(std::string_view header, std::string_view body,
                                       std::span<const std::string> secrets, std::int64_t now,
                                       std::chrono::seconds tolerance);

}  // namespace nelo::security
