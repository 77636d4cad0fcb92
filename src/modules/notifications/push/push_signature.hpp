#pragma once
// The signature of a push the webhook provider sends, the scheme of the payment webhooks
// (Stripe's): header `Nelo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
// A receiver recomputes the MAC with the shared secret, compares in constant time and refuses
// a `t` too far from its clock (docs/api/notifications.md, "Push").

#include <cstdint>
#include <string>
#include <string_view>

namespace nelo::notifications {

inline constexpr std::string_view kPushSignatureHeader = "Nelo-Signature";

std::string sign_push(std::string_view secret, std::int64_t timestamp, std::string_view body);

// True when `header` carries a v1 that is the MAC of `body` at its `t` under `secret` (the
// timestamp's freshness is the receiver's call). For receivers and tests.
bool push_signature_matches(std::string_view header, std::string_view body, std::string_view secret);

}  // namespace nelo::notifications
