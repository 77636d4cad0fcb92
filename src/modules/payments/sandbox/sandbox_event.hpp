#pragma once
// The sandbox processor's webhook body, read back on nelo's side once its signature checked.

#include <optional>
#include <string_view>

#include "modules/payments/providers/provider_event.hpp"

namespace nelo::payments {

// {id, type, created, data: {reference, payment_id, card: {brand, last4}, decline_code,
// decline_message, refund: {reference}}}; nullopt when the body is not one (not JSON, no id, type or reference,
// an id or type too long). Never throws for any input (fuzzed: tests/fuzz/payments_bodies_fuzz.cpp).
std::optional<ProviderEvent> read_sandbox_event(std::string_view body);

}  // namespace nelo::payments
