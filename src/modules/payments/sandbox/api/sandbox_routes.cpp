#include "modules/payments/sandbox/api/sandbox_routes.hpp"

#include <boost/json/object.hpp>

#include <memory>

#include "core/errors.hpp"
#include "core/http/router.hpp"
#include "core/security/tokens.hpp"
#include "modules/payments/sandbox/api/sandbox_wire.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "sandbox";

struct Context {
  SandboxProcessor& processor;
  std::string api_key;
};

void check_key(const Context& c, const http::Request& request) {
  if (c.api_key.empty()) return;
  const std::string expected = "Bearer " + c.api_key;
  const auto given = request.header("authorization");
  if (!given || !security::constant_time_equal(*given, expected)) {
    throw Unauthorized("The sandbox processor's API key is missing or wrong");
  }
}

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

http::Response page(const std::string& title, const std::string& body, int status = 200) {
  return http::Response::text("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape_html(title) +
                                  "</title></head><body><h1>" + escape_html(title) + "</h1>" + body + "</body></html>",
                              "text/html; charset=utf-8", status);
}

asio::awaitable<http::Response> authorize(Context& c, http::Request& request) {
  check_key(c, request);
  AuthorizationRequest call = parse_authorize_call(request.json_object());
  auto outcome = c.processor.authorize(call);
  security::wipe(call.card_token);
  co_return http::Response::json(authorization_outcome_json(outcome));
}

asio::awaitable<http::Response> capture(Context& c, http::Request& request) {
  check_key(c, request);
  const Money amount = parse_capture_call(request.json_object());
  co_return http::Response::json(operation_outcome_json(c.processor.capture(std::string(request.param("reference")), amount)));
}

asio::awaitable<http::Response> void_charge(Context& c, http::Request& request) {
  check_key(c, request);
  co_return http::Response::json(operation_outcome_json(c.processor.void_authorization(std::string(request.param("reference")))));
}

asio::awaitable<http::Response> refund(Context& c, http::Request& request) {
  check_key(c, request);
  const SandboxRefundCall call = parse_refund_call(request.json_object());
  co_return http::Response::json(
      operation_outcome_json(c.processor.refund(std::string(request.param("reference")), call.refund_id, call.amount)));
}

asio::awaitable<http::Response> list_charges(Context& c, http::Request& request) {
  check_key(c, request);
  co_return http::Response::json(charges_json(c.processor.charges()));
}

// The page the customer's browser opens at action_url: what is being paid, and two buttons.
asio::awaitable<http::Response> confirmation_page(Context& c, http::Request& request) {
  const std::string reference(request.param("reference"));
  const auto charge = c.processor.charge(reference);
  if (!charge || charge->status != "requires_action") {
    co_return page("Nothing to confirm", "<p>This payment awaits no confirmation.</p>", 404);
  }
  const std::string amount = std::to_string(charge->amount.amount / 100) + "." +
                             (charge->amount.amount % 100 < 10 ? "0" : "") + std::to_string(charge->amount.amount % 100);
  co_return page("Confirm your payment",
                 "<p>" + escape_html(amount) + " " + escape_html(charge->amount.currency) + " with your " +
                     escape_html(charge->card_brand) + " card ending in " + escape_html(charge->card_last4) +
                     ".</p><form method=\"post\" action=\"/3ds/" + escape_html(reference) +
                     "/approve\"><button>Confirm</button></form><form method=\"post\" action=\"/3ds/" +
                     escape_html(reference) + "/refuse\"><button>Refuse</button></form>");
}

// The customer's answer: one of the page's two forms, posted without a body (a browser's form
// with no field sends none, which the server accepts whatever its Content-Type).
asio::awaitable<http::Response> decide(Context& c, http::Request& request, bool approve) {
  const std::string reference(request.param("reference"));
  if (!c.processor.confirm(reference, approve)) {
    co_return page("Nothing to confirm", "<p>This payment awaits no confirmation.</p>", 404);
  }
  co_return page(approve ? "Payment confirmed" : "Payment refused",
                 approve ? "<p>You may close this page.</p>" : "<p>The payment was not made.</p>");
}
asio::awaitable<http::Response> approve(Context& c, http::Request& request) { return decide(c, request, true); }
asio::awaitable<http::Response> refuse(Context& c, http::Request& request) { return decide(c, request, false); }

http::RouteDoc doc(std::string summary) {
  http::RouteDoc d;
  d.summary = std::move(summary);
  d.tag = "sandbox processor";
  d.responses = {{200, "Done", nullptr}};
  return d;
}

}  // namespace

void register_sandbox_routes(http::Router& router, SandboxProcessor& processor, std::string api_key) {
  auto context = std::make_shared<Context>(Context{processor, std::move(api_key)});
  const auto add = [&](std::string method, std::string path, std::string summary,
                       asio::awaitable<http::Response> (*handler)(Context&, http::Request&)) {
    router.add({.method = std::move(method),
                .path = std::move(path),
                .policy = http::Policy::public_access(),
                .handler = [context, handler](http::Request& r) { return handler(*context, r); },
                .module = kModule,
                .doc = doc(std::move(summary)),
                .access = http::Access::none()});
  };
  add("POST", "/v1/charges", "Authorize a payment", authorize);
  add("GET", "/v1/charges", "Every charge and refund the processor holds", list_charges);
  add("POST", "/v1/charges/{reference}/capture", "Capture an authorized payment", capture);
  add("POST", "/v1/charges/{reference}/void", "Release an authorization", void_charge);
  add("POST", "/v1/charges/{reference}/refunds", "Refund a captured payment (idempotent by refund_id)", refund);
  add("GET", "/3ds/{reference}", "The 3-D Secure confirmation page", confirmation_page);
  add("POST", "/3ds/{reference}/approve", "The customer confirms the payment (3-D Secure)", approve);
  add("POST", "/3ds/{reference}/refuse", "The customer refuses the payment (3-D Secure)", refuse);
}

}  // namespace nelo::payments
