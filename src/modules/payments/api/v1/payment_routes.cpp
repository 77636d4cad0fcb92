#include "modules/payments/api/v1/payment_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <functional>

#include "core/errors.hpp"
#include "core/http/problem.hpp"
#include "core/http/router.hpp"
#include "modules/payments/api/v1/payment_schemas.hpp"
#include "modules/payments/repositories/ledger_report_repository.hpp"
#include "modules/payments/services/payment_queries.hpp"
#include "modules/payments/services/payment_refunds.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/keyed_request.hpp"
#include "shared/idempotency/optional_key.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "payments";
constexpr const char* kPayments = "/api/v1/payments";
constexpr const char* kNoSuchPayment =
    "No such payment among those you may see (another user's payment answers the same)";

PaymentViewer viewer_of(const Principal& p) {
  PaymentViewer v;
  v.user_id = p.user_id;
  v.admin = p.is_admin();
  v.merchant = p.has_role("merchant");
  v.customer = p.has_role("customer");
  return v;
}

// The Idempotency-Key header, required, checked for syntax.
std::string idempotency_key_of(const http::Request& request) {
  auto key = request.header("idempotency-key");
  if (!key) {
    throw BadRequest("The Idempotency-Key header is required: a unique value per refund you mean to make (e.g. a "
                     "UUID), reused only to retry that same request");
  }
  if (auto problem = idempotency::invalid_key_reason(*key)) {
    throw BadRequest("The Idempotency-Key header is not valid: " + *problem);
  }
  return std::string(*key);
}

// The refund's id, derived from who asks, the key and the payment: a retry of a request whose
// answer was lost (a crash between the provider's refund and the commit) asks the provider for
// the same refund, which it makes once. A UUID (version 8: custom) from the first 128 bits of a
// SHA-256.
std::string refund_id_for(const std::string& scope, const std::string& key, const std::string& path) {
  std::string hex = idempotency::request_fingerprint("refund", path, scope + "\n" + key);
  hex.resize(32);
  hex[12] = '8';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

asio::awaitable<http::Response> get_payment(PaymentQueries& queries, http::Request& request) {
  auto payment = co_await queries.get(viewer_of(request.user()), std::string(request.param("id")));
  co_return http::Response::json(payment_json(payment));
}

asio::awaitable<http::Response> list_payments(PaymentQueries& queries, http::Request& request) {
  const std::string order_id = parse_order_id_query(request.query("order_id"));
  auto payments = co_await queries.of_order(viewer_of(request.user()), order_id);
  json::array items;
  for (const auto& p : payments) items.push_back(payment_json(p));
  co_return http::Response::json(json::object{{"items", std::move(items)}});
}

// Every final answer is the key's, a refusal included (shared/idempotency/keyed_request.hpp); a
// 409 (not captured, beyond what is left) is not final and is not kept: the same key may be
// sent again once the payment changed.
asio::awaitable<http::Response> refund_payment(PaymentRefunds& refunds, idempotency::IdempotencyStore& keys,
                                               http::Request& request) {
  const std::string admin = request.user().user_id;
  const std::string key = idempotency_key_of(request);
  const std::string payment_id(request.param("id"));
  auto claim = co_await keys.claim(admin, key,
                                   idempotency::request_fingerprint(request.method, request.path, request.body));
  idempotency::Renderings<RefundResult> render;
  render.created = [](const RefundResult& made) {
    auto response = http::Response::json(refund_result_json(made), 201);
    response.headers.emplace_back("Location", std::string(kPayments) + "/" + made.payment.id);
    return idempotency::to_stored(response);
  };
  render.refused = [&request](const Error& error) {
    return idempotency::to_stored(http::problem_response(error, request.path, request.request_id));
  };
  // The body is read once the key is known to be unused: a refused body is then the key's answer.
  std::function<asio::awaitable<RefundResult>(db::CommitStep<RefundResult>)> work =
      [&](db::CommitStep<RefundResult> commit) {
        RefundBody body = parse_refund_body(request.json_object());
        RefundRequest refund{refund_id_for(admin, key, request.path), std::move(body.amount), std::move(body.reason),
                             admin};
        return refunds.refund(payment_id, std::move(refund), std::move(commit));
      };
  auto answer =
      co_await idempotency::answer_keyed<RefundResult>(keys, std::move(claim), "refund", render, std::move(work));
  co_return idempotency::to_http(std::move(answer.response), answer.replayed);
}

asio::awaitable<http::Response> ledger_balances(LedgerReportRepository& ledger, http::Request&) {
  auto balances = co_await ledger.balances();
  co_return http::Response::json(balances_json(balances));
}

// --- OpenAPI ---

http::RouteDoc get_doc() {
  http::RouteDoc doc;
  doc.summary = "Get a payment";
  doc.description =
      "A payment with its state, amounts (the order's, captured, refunded, still refundable), method, the card's "
      "brand and last four digits (never a token), the provider's reference, the decline code and message of a "
      "failed one, its refunds and timestamps. Seen by the order's customer, the merchant account that owns the "
      "shop, and admins.";
  doc.responses = {{200, "The payment", payment_schema()}, http::problem_response(404, kNoSuchPayment)};
  return doc;
}

http::RouteDoc list_doc() {
  http::RouteDoc doc;
  doc.summary = "List an order's payments";
  doc.description =
      "The payments of the order named by order_id (one per order) that the caller may see: the order's customer, "
      "the merchant account that owns the shop, admins. Another user's order, like an unknown one, has none.";
  doc.parameters = {{"order_id", "query", true, "The order", json::object{{"type", "string"}, {"format", "uuid"}}}};
  doc.responses = {{200, "The order's payments", payment_list_schema()},
                   http::problem_response(422, "order_id missing or not a UUID")};
  return doc;
}

http::RouteDoc refund_doc() {
  http::RouteDoc doc;
  doc.summary = "Refund a payment, in part or in full";
  doc.description =
      "Admins only. Requires an Idempotency-Key header (Stripe semantics, per admin): the same key with the same "
      "body replays the first response (status and body, header Idempotent-Replayed: true), including a 404 or "
      "422; with another body it is a 422; while the first request runs it is a 409. The amount is in the "
      "payment's currency and at most what is left to refund (captured minus refunded); partial refunds may "
      "follow each other until nothing is left. The provider refunds (idempotently: a retry with the same key "
      "is the same refund there), and the refund, the payment's state (partially_refunded, or refunded when "
      "nothing is left), the ledger's lines and the payment.refunded event are written in one transaction.";
  doc.request_body = refund_request_schema();
  doc.parameters = {{"Idempotency-Key", "header", true,
                     "A unique value per refund you mean to make (1 to 255 visible ASCII characters), e.g. a UUID",
                     json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}}};
  doc.responses = {
      {201, "The refund, with its payment's new state and amounts", refund_result_schema()},
      http::problem_response(400, "Idempotency-Key missing or malformed, or a body that is not JSON"),
      http::problem_response(404, "No such payment"),
      http::problem_response(409, "The payment is not captured (or nothing is left to refund), the amount exceeds "
                                  "what is left to refund, the provider refused, or a request with this "
                                  "Idempotency-Key is still being processed"),
      http::problem_response(422, "Invalid amount or reason, an unknown field, an amount in another currency than "
                                  "the payment's; or the Idempotency-Key was used with another body"),
      http::problem_response(503, "The payment provider did not answer: nothing was refunded, retry with the same key")};
  return doc;
}

http::RouteDoc balances_doc() {
  http::RouteDoc doc;
  doc.summary = "Ledger balances";
  doc.description =
      "Admins only. The balance of each ledger account per currency (debits positive, credits negative): customer, "
      "merchant_payable (in total and per merchant; negative: what the platform owes them), platform_fees "
      "(negative: the platform's revenue), driver_cash_float (cash drivers collected and owe the platform), "
      "provider_clearing; and the total, which is zero because every transaction balances.";
  doc.responses = {{200, "The balances", balances_schema()}};
  return doc;
}

}  // namespace

void register_payment_routes(http::Router& router, const PaymentRouteServices& services) {
  auto* queries = &services.queries;
  auto* refunds = &services.refunds;
  auto* ledger = &services.ledger;
  auto* keys = &services.keys;
  const std::string payments = kPayments;
  const std::string one = payments + "/{id}";
  router.add({.method = "GET",
              .path = payments + "/ledger/balances",
              .policy = http::Policy::roles({"admin"}),
              .handler = [ledger](http::Request& r) { return ledger_balances(*ledger, r); },
              .module = kModule,
              .doc = balances_doc(),
              .access = http::Access::none()});
  router.add({.method = "GET",
              .path = payments,
              .policy = http::Policy::roles({"customer", "merchant", "admin"}),
              .handler = [queries](http::Request& r) { return list_payments(*queries, r); },
              .module = kModule,
              .doc = list_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = one,
              .policy = http::Policy::roles({"customer", "merchant", "admin"}),
              .handler = [queries](http::Request& r) { return get_payment(*queries, r); },
              .module = kModule,
              .doc = get_doc(),
              .access = http::Access::owners_and_admins("payment")});
  router.add({.method = "POST",
              .path = one + "/refunds",
              .policy = http::Policy::roles({"admin"}),
              .handler = [refunds, keys](http::Request& r) { return refund_payment(*refunds, *keys, r); },
              .module = kModule,
              .doc = refund_doc(),
              .access = http::Access::none()});
}

}  // namespace nelo::payments
