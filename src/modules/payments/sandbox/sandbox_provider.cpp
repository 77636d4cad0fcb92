#include "modules/payments/sandbox/sandbox_provider.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/security/tokens.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

SandboxProvider::SandboxProvider(SandboxProcessor& processor, std::vector<std::string> secrets,
                                 std::chrono::seconds tolerance)
    : processor_(processor), secrets_(std::move(secrets)), tolerance_(tolerance) {}

boost::asio::awaitable<AuthorizationOutcome> SandboxProvider::authorize(AuthorizationRequest request) {
  AuthorizationOutcome out = processor_.authorize(request);
  // The token's last copy in nelo: gone before anything else can see it.
  security::wipe(request.card_token);
  co_return out;
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::capture(std::string reference, Money amount) {
  co_return processor_.capture(reference, amount);
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::void_authorization(std::string reference) {
  co_return processor_.void_authorization(reference);
}

boost::asio::awaitable<OperationOutcome> SandboxProvider::refund(std::string reference, std::string refund_id,
                                                                 Money amount) {
  co_return processor_.refund(reference, refund_id, amount);
}

WebhookVerdict SandboxProvider::parse_webhook(std::string_view signature_header, std::string_view body,
                                              Timestamp now) const {
  const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  WebhookVerdict verdict;
  verdict.check = check_webhook_signature(signature_header, body, secrets_, unix_now, tolerance_);
  if (verdict.check != SignatureCheck::Valid) return verdict;
  verdict.event = read_sandbox_event(body);
  if (!verdict.event) verdict.check = SignatureCheck::Malformed;
  return verdict;
}

std::optional<ProviderEvent> read_sandbox_event(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& o = parsed.as_object();
  const auto* data_value = o.if_contains("data");
  if (!data_value || !data_value->is_object()) return std::nullopt;
  const auto& data = data_value->as_object();
  ProviderEvent e;
  auto id = string_at(o, "id");
  auto type = string_at(o, "type");
  auto reference = string_at(data, "reference");
  if (!id || !type || !reference || id->empty() || id->size() > 200 || type->empty() || type->size() > 100) {
    return std::nullopt;
  }
  e.id = std::move(*id);
  e.type = std::move(*type);
  e.reference = std::move(*reference);
  if (const auto* created = o.if_contains("created"); created && created->is_int64() && created->as_int64() >= 0) {
    e.occurred_at = Timestamp(std::chrono::seconds(created->as_int64()));
  }
  if (const auto* card = data.if_contains("card"); card && card->is_object()) {
    e.card_brand = string_at(card->as_object(), "brand");
    e.card_last4 = string_at(card->as_object(), "last4");
  }
  e.decline_code = string_at(data, "decline_code");
  e.decline_message = string_at(data, "decline_message");
  if (const auto* refund = data.if_contains("refund"); refund && refund->is_object()) {
    e.refund_reference = string_at(refund->as_object(), "reference");
  }
  return e;
}

}  // namespace nelo::payments
