// The payments module's readers of what a provider sends (modules/payments/providers/
// webhook_signature.hpp, modules/payments/sandbox/sandbox_event.hpp), fed any bytes: the first
// line is a signature header, the rest a body. The check never throws and never says Valid for a
// header it did not sign; the header it signs for the body is Valid; the event reader never
// throws and returns an event within the schema's limits or nothing.
// The same bytes feed the API's readers (api/v1/payment_schemas.hpp: a refund's body, the
// ?order_id= query from the first line) and the sandbox processor's wire format both ways
// (sandbox/api/sandbox_wire.hpp): each either reads a value within its rules or refuses with its
// one documented exception (ValidationError, std::invalid_argument); anything else aborts.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "modules/payments/api/v1/payment_schemas.hpp"
#include "core/security/webhook_signature.hpp"
#include "modules/payments/sandbox/api/sandbox_wire.hpp"
#include "modules/payments/sandbox/sandbox_event.hpp"

using namespace nelo::payments;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  static const std::vector<std::string> kSecrets = {"whsec_fuzz_secret_0123456789"};
  constexpr std::int64_t kNow = 1'765'000'000;
  const auto seen = check_webhook_signature(header, body, kSecrets, kNow, std::chrono::seconds(300));
  // A random header matching the MAC is a 2^-256 event: Valid here means the checker is broken.
  if (seen == SignatureCheck::Valid || seen == SignatureCheck::Stale) std::abort();
  if (check_webhook_signature(sign_webhook(kSecrets, kNow, body), body, kSecrets, kNow, std::chrono::seconds(300)) !=
      SignatureCheck::Valid) {
    std::abort();
  }
  const auto event = read_sandbox_event(body);
  if (event && (event->id.empty() || event->id.size() > 200 || event->type.empty() || event->type.size() > 100)) {
    std::abort();
  }
  try {
    const std::string order_id = parse_order_id_query(header);
    if (order_id.size() != 36) std::abort();
  } catch (const nelo::ValidationError&) {
  }
  boost::json::value json;
  try {
    json = nelo::parse_json_strict(body);
  } catch (const nelo::BadRequest&) {
    return 0;
  } catch (const nelo::ValidationError&) {  // a NUL in a string: 422 naming the field
    return 0;
  }
  if (json.is_object()) {
    const auto& object = json.as_object();
    try {
      const RefundBody refund = parse_refund_body(object);
      if (refund.amount.amount < 1 || refund.amount.amount > kMaxRefundAmount || refund.reason.empty() ||
          refund.amount.currency.size() != 3) {
        std::abort();
      }
    } catch (const nelo::ValidationError&) {
    }
    try {
      const auto call = parse_authorize_call(object);
      if (call.payment_id.empty() || call.payment_id.size() > 64) std::abort();
    } catch (const nelo::ValidationError&) {
    }
    try {
      parse_capture_call(object);
    } catch (const nelo::ValidationError&) {
    }
    try {
      if (parse_refund_call(object).refund_id.empty()) std::abort();
    } catch (const nelo::ValidationError&) {
    }
  }
  try {
    parse_authorization_outcome(json);
  } catch (const std::invalid_argument&) {
  }
  try {
    parse_operation_outcome(json);
  } catch (const std::invalid_argument&) {
  }
  try {
    for (const auto& charge : parse_charges(json)) {
      if (charge.reference.empty()) std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
