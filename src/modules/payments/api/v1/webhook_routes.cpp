#include "modules/payments/api/v1/webhook_routes.hpp"

#include <boost/json/object.hpp>

#include "core/http/router.hpp"
#include "modules/payments/services/webhook_intake.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kWebhookBodyLimit = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// The signature covers the exact bytes received, so the body is passed on untouched (not parsed
// and re-serialized).
asio::awaitable<http::Response> receive_webhook(WebhookIntake& intake, http::Request& request) {
  std::string provider(request.param("provider"));
  const std::string header_name = lower(intake.signature_header(provider));
  std::string signature(request.header(header_name).value_or(""));
  const WebhookReceipt receipt = co_await intake.receive(std::move(provider), std::move(signature), request.body);
  co_return http::Response::json(
      json::object{{"received", true}, {"event_id", receipt.event_id}, {"outcome", to_string(receipt.outcome)}});
}

http::RouteDoc webhook_doc() {
  http::RouteDoc doc;
  doc.summary = "Receive a payment provider's webhook";
  doc.description =
      "For payment providers, not clients: the provider (`sandbox`) reports what happened to a payment, in a body "
      "signed with Stripe's scheme in its signature header (`Sandbox-Signature: t=<unix seconds>,v1=<hex "
      "HMAC-SHA256 of \"t.body\">`, several v1 accepted while a secret rotates, NELO_PAYMENTS_WEBHOOK_SECRETS). Each "
      "provider event id is applied once (a replay answers 200, outcome `duplicate`); an event that the payment's "
      "state machine has no move for (late or out of order, or about an unknown payment) is recorded and answers 200, "
      "outcome `ignored`. A bad signature, an altered body or a missing header is a 401, a genuine signature more "
      "than NELO_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS (300) from the server's clock a 400; nothing changes then.";
  doc.request_body = json::object{{"type", "object"}, {"description", "The provider's event, exactly as signed"}};
  doc.parameters = {{"Sandbox-Signature", "header", true, "The sandbox processor's signature of the body",
                     json::object{{"type", "string"}}}};
  json::object receipt_schema{
      {"type", "object"},
      {"required", json::array{"received", "event_id", "outcome"}},
      {"properties", json::object{{"received", json::object{{"type", "boolean"}}},
                                  {"event_id", json::object{{"type", "string"}}},
                                  {"outcome", json::object{{"type", "string"},
                                                           {"enum", json::array{"applied", "ignored", "duplicate"}}}}}}};
  doc.responses = {{200, "The event was received (applied, ignored or a duplicate)", std::move(receipt_schema)},
                   http::problem_response(400, "The signature is genuine but its timestamp is outside the tolerance"),
                   http::problem_response(401, "The signature is missing, malformed or wrong for this body"),
                   http::problem_response(404, "No provider sends webhooks by that name")};
  return doc;
}

}  // namespace

void register_webhook_routes(http::Router& router, WebhookIntake& intake) {
  auto* in = &intake;
  router.add({.method = "POST",
              .path = "/api/v1/payments/webhooks/{provider}",
              .policy = http::Policy::public_access(),
              .handler = [in](http::Request& r) { return receive_webhook(*in, r); },
              .module = "payments",
              .doc = webhook_doc(),
              .body_limit = kWebhookBodyLimit,
              .access = http::Access::none()});
}

}  // namespace nelo::payments
