#include "modules/payments/sandbox/api/confirmation_routes.hpp"

#include <boost/json/object.hpp>

#include "core/errors.hpp"
#include "core/http/router.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::string_view kPath = "/api/v1/payments/sandbox/3ds/{reference}";

// References are the processor's own ("sbx_" and URL-safe characters): anything else is unknown.
std::string reference_of(const http::Request& request) {
  std::string reference(request.param("reference"));
  if (reference.empty() || reference.size() > 100) throw NotFound("No payment awaits a confirmation here");
  for (unsigned char c : reference) {
    if (!std::isalnum(c) && c != '_' && c != '-') throw NotFound("No payment awaits a confirmation here");
  }
  return reference;
}

asio::awaitable<http::Response> show_page(SandboxProcessor& processor, http::Request& request) {
  const std::string reference = reference_of(request);
  const auto charge = processor.charge(reference);
  if (!charge || charge->status != "requires_action") throw NotFound("No payment awaits a confirmation here");
  const std::string amount = std::to_string(charge->amount.amount / 100) + "." +
                             (charge->amount.amount % 100 < 10 ? "0" : "") + std::to_string(charge->amount.amount % 100);
  std::string page =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sandbox 3-D Secure</title></head><body>"
      "<h1>Confirm your payment</h1><p>" + amount + " " + charge->amount.currency + " with your " +
      charge->card_brand + " card ending in " + charge->card_last4 + ".</p>"
      "<form method=\"post\" action=\"?outcome=approve\"><button>Confirm</button></form>"
      "<form method=\"post\" action=\"?outcome=refuse\"><button>Refuse</button></form></body></html>";
  co_return http::Response::text(std::move(page), "text/html; charset=utf-8");
}

asio::awaitable<http::Response> confirm(SandboxProcessor& processor, http::Request& request) {
  const std::string reference = reference_of(request);
  const auto outcome = request.query("outcome");
  if (!outcome || (*outcome != "approve" && *outcome != "refuse")) {
    throw ValidationError("outcome", "must be approve or refuse");
  }
  const bool approve = *outcome == "approve";
  if (!processor.confirm(reference, approve)) throw NotFound("No payment awaits a confirmation here");
  co_return http::Response::json(
      json::object{{"reference", reference}, {"outcome", approve ? "authorized" : "declined"}});
}

http::RouteDoc page_doc() {
  http::RouteDoc doc;
  doc.summary = "Sandbox: the 3-D Secure page";
  doc.description =
      "The page a tok_3ds card's `action_url` opens (the order's payment shows it while it waits): the amount and the "
      "card, and two buttons that POST the customer's answer. A simulated processor's page, for development.";
  doc.responses = {{200, "An HTML page", nullptr},
                   http::problem_response(404, "No payment awaits a confirmation at this reference")};
  return doc;
}

http::RouteDoc confirm_doc() {
  http::RouteDoc doc;
  doc.summary = "Sandbox: confirm or refuse a 3-D Secure payment";
  doc.description =
      "The customer's answer on the sandbox's 3-D Secure page: `approve` authorizes the payment, `refuse` declines it "
      "(authentication_failed). The processor then reports it by signed webhook, which places or rejects the order.";
  doc.parameters = {{"outcome", "query", true, "approve or refuse",
                     json::object{{"type", "string"}, {"enum", json::array{"approve", "refuse"}}}}};
  json::object schema{{"type", "object"},
                      {"required", json::array{"reference", "outcome"}},
                      {"properties", json::object{{"reference", json::object{{"type", "string"}}},
                                                  {"outcome", json::object{{"type", "string"},
                                                                           {"enum", json::array{"authorized",
                                                                                                "declined"}}}}}}};
  doc.responses = {{200, "The answer was taken; the webhook follows", std::move(schema)},
                   http::problem_response(404, "No payment awaits a confirmation at this reference"),
                   http::problem_response(422, "outcome is missing or not approve / refuse")};
  return doc;
}

}  // namespace

void register_sandbox_confirmation_routes(http::Router& router, SandboxProcessor& processor) {
  auto* p = &processor;
  router.add({.method = "GET",
              .path = std::string(kPath),
              .policy = http::Policy::public_access(),
              .handler = [p](http::Request& r) { return show_page(*p, r); },
              .module = "payments",
              .doc = page_doc(),
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = std::string(kPath),
              .policy = http::Policy::public_access(),
              .handler = [p](http::Request& r) { return confirm(*p, r); },
              .module = "payments",
              .doc = confirm_doc(),
              .access = http::Access::none()});
}

}  // namespace nelo::payments
