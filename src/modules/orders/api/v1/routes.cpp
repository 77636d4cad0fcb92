#include "modules/orders/api/v1/routes.hpp"

#include <boost/json/object.hpp>

#include <functional>

#include "core/errors.hpp"
#include "core/http/problem.hpp"
#include "core/http/router.hpp"
#include "modules/orders/api/v1/schemas.hpp"
#include "modules/orders/names.hpp"
#include "modules/orders/services/order_checkout.hpp"
#include "modules/orders/services/order_placement.hpp"
#include "modules/orders/services/order_queries.hpp"
#include "modules/orders/services/order_workflow.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/keyed_request.hpp"
#include "shared/idempotency/optional_key.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "orders";
constexpr const char* kOrders = "/api/v1/orders";

// --- who is calling ---

Viewer viewer_of(const Principal& p) {
  Viewer v;
  v.user_id = p.user_id;
  v.admin = p.is_admin();
  v.merchant = p.has_role("merchant");
  v.customer = p.has_role("customer");
  return v;
}

// Merchant routes are open to merchants and admins; an admin acts as an admin (on any order).
Actor merchant_actor(const Principal& p) {
  Actor a;
  a.kind = p.is_admin() ? ActorKind::Admin : ActorKind::Merchant;
  a.id = p.user_id;
  return a;
}

Actor customer_actor(const Principal& p) {
  Actor a;
  a.kind = p.is_admin() ? ActorKind::Admin : ActorKind::Customer;
  a.id = p.user_id;
  return a;
}

// The Idempotency-Key header, required, checked for syntax.
std::string idempotency_key_of(const http::Request& request) {
  auto key = request.header("idempotency-key");
  if (!key) {
    throw BadRequest("The Idempotency-Key header is required: a unique value per order you mean to place (e.g. a "
                     "UUID), reused only to retry that same request");
  }
  if (auto problem = idempotency::invalid_key_reason(*key)) {
    throw BadRequest("The Idempotency-Key header is not valid: " + *problem);
  }
  return std::string(*key);
}

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> quote_order(OrderCheckout& checkout, http::Request& request) {
  const OrderRequest order = parse_order_request(request.json_object(), RequestKind::Quote);
  auto quote = co_await checkout.quote(request.user().user_id, order);
  co_return http::Response::json_text(to_json_text(quote));
}

// Every final answer is the key's, a refusal included (shared/idempotency/keyed_request.hpp).
asio::awaitable<http::Response> place_order(OrderPlacement& placement, idempotency::IdempotencyStore& keys,
                                            http::Request& request) {
  const std::string customer = request.user().user_id;
  auto claim = co_await keys.claim(customer, idempotency_key_of(request),
                                   idempotency::request_fingerprint(request.method, request.path, request.body));
  idempotency::Renderings<Order> render;
  render.created = [](const Order& created) {
    return idempotency::to_stored(http::Response::json_text(to_json_text(created), 201));
  };
  render.refused = [&request](const Error& error) {
    return idempotency::to_stored(http::problem_response(error, request.path, request.request_id));
  };
  // The body is read once the key is known to be unused: a refused body is then the key's answer.
  std::function<asio::awaitable<Order>(db::CommitStep<Order>)> work = [&](db::CommitStep<Order> commit) {
    return placement.place(customer, parse_order_request(request.json_object(), RequestKind::Place),
                           std::move(commit));
  };
  auto answer = co_await idempotency::answer_keyed<Order>(keys, std::move(claim), "order", render, std::move(work));
  co_return idempotency::to_http(std::move(answer.response), answer.replayed);
}

asio::awaitable<http::Response> list_orders(OrderQueries& queries, http::Request& request) {
  const OrderListQuery query = parse_list_query(request.query("status"), request.query("limit"), request.query("cursor"));
  auto page = co_await queries.list(viewer_of(request.user()), query);
  co_return http::Response::json_text(to_json_text(page));
}

asio::awaitable<http::Response> get_order(OrderQueries& queries, http::Request& request) {
  auto details = co_await queries.get(viewer_of(request.user()), std::string(request.param("id")));
  co_return http::Response::json_text(to_json_text(details));
}

// accept, preparing, ready: no body. reject: {reason}. cancel: {reason} or no body.
http::Response order_moved(const Order& order) { return http::Response::json_text(to_json_text(order)); }

asio::awaitable<http::Response> act(OrderWorkflow& workflow, idempotency::IdempotencyStore& keys,
                                    http::Request& request, Action action) {
  std::optional<std::string> reason;
  Actor actor = merchant_actor(request.user());
  if (action == Action::Reject) reason = parse_reason(request.json_object(), true);
  if (action == Action::Cancel) {
    actor = customer_actor(request.user());
    if (!request.body.empty()) reason = parse_reason(request.json_object(), false);
  }
  const std::string order_id(request.param("id"));
  co_return co_await idempotency::OptionalKey::respond<Order>(
      keys, request, order_moved, [&](db::CommitStep<Order> commit) {
        return workflow.perform(order_id, action, std::move(actor), std::move(reason), std::move(commit));
      });
}

// --- OpenAPI ---

constexpr const char* kValidation422 =
    "Invalid request, each problem naming its field: unknown field or a field the server sets (price, total, status, "
    "customer_id...), malformed id, items empty / over 50 lines / repeated product / quantity outside 1..50; unknown "
    "or closed merchant (merchant_id); unknown address or outside the delivery radius (address_id); unknown, other "
    "merchant's or unavailable product (items[i].product_id); mixed currencies or subtotal under the minimum (items)";
constexpr const char* kNoSuchOrder = "No such order among those you may see (another user's order answers the same)";

http::RouteDoc quote_doc() {
  http::RouteDoc doc;
  doc.summary = "Quote an order";
  doc.description =
      "The same checks and price breakdown as placing the order, without creating anything. payment may be left out.";
  doc.request_body = order_request_schema(RequestKind::Quote);
  doc.responses = {{200, "The lines at current prices and the price breakdown", quote_schema()},
                   http::problem_response(422, kValidation422),
                   http::problem_response(503, "The users or catalog module is not available")};
  return doc;
}

http::RouteDoc place_doc() {
  http::RouteDoc doc;
  doc.summary = "Place an order";
  doc.description =
      "Requires an Idempotency-Key header (Stripe semantics, per customer): the same key with the same body replays "
      "the first response (status and body, header Idempotent-Replayed: true), including a 422; with another body it "
      "is a 422; while the first request runs it is a 409. A cash order is placed at once (status placed); a card "
      "order waits for the payment (pending_payment): once it is committed, this request hands the card token to "
      "the payments module, which asks the provider; the order is then placed (authorized) or rejected (declined, "
      "with the reason in `payment.failure_reason` of GET /api/v1/orders/{id}). The token is stored nowhere.";
  doc.request_body = order_request_schema(RequestKind::Place);
  doc.parameters = {{"Idempotency-Key", "header", true,
                     "A unique value per order you mean to place (1 to 255 visible ASCII characters), e.g. a UUID",
                     json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}}};
  doc.responses = {{201, "The order", order_schema()},
                   http::problem_response(400, "Idempotency-Key missing or malformed"),
                   http::problem_response(409, "A request with this Idempotency-Key is still being processed"),
                   http::problem_response(422, std::string(kValidation422) + "; or the Idempotency-Key was used with another body"),
                   http::problem_response(503, "The users or catalog module is not available")};
  return doc;
}

http::RouteDoc list_doc() {
  http::RouteDoc doc;
  doc.summary = "List orders";
  doc.description = "Newest first, cursor-paginated. Customers see their orders, merchants the orders of the "
                    "merchants they own, admins every order.";
  doc.parameters = http::page_parameters(kDefaultPageSize, kMaxPageSize);
  doc.parameters.insert(doc.parameters.begin(),
                        {"status", "query", false, "Only orders in this state", json::object{{"type", "string"}}});
  doc.responses = {{200, "A page of orders", order_page_schema()}, http::problem_response(422, "Invalid status, limit or cursor")};
  return doc;
}

http::RouteDoc get_doc() {
  http::RouteDoc doc;
  doc.summary = "Get an order with its details";
  doc.description =
      "The order as placed (lines, prices, snapshots), its status history, and, composed at read time, the customer, "
      "the merchant as it is now, the delivery and the payment (status, method, card brand and last four digits, "
      "the reason a card was declined, the 3-D Secure page to open while it waits). A part whose module cannot "
      "answer is null and listed in `unavailable`.";
  doc.responses = {{200, "The order", order_details_schema()}, http::problem_response(404, kNoSuchOrder)};
  return doc;
}

http::RouteDoc transition_doc(std::string summary, std::string description, bool reason, bool reason_required) {
  http::RouteDoc doc;
  doc.summary = std::move(summary);
  doc.description = std::move(description);
  if (reason) doc.request_body = reason_schema(reason_required);
  doc.responses = {{200, "The order in its new state", order_schema()},
                   http::problem_response(404, kNoSuchOrder),
                   http::problem_response(409, "The action is not allowed in the order's current state (the detail names both)")};
  if (reason) doc.responses.push_back(http::problem_response(422, "Invalid reason, or an unknown field"));
  idempotency::document_optional_key(doc);
  return doc;
}

}  // namespace

void register_routes(http::Router& router, const OrderRouteServices& services) {
  auto* checkout = &services.checkout;
  auto* placement = &services.placement;
  auto* workflow = &services.workflow;
  auto* queries = &services.queries;
  auto* keys = &services.keys;
  const std::string orders = kOrders;
  const std::string one = orders + "/{id}";
  const auto merchants = [] { return http::Policy::roles({"merchant", "admin"}); };

  router.add({.method = "POST",
              .path = orders + "/quote",
              .policy = http::Policy::roles({"customer"}),
              .handler = [checkout](http::Request& r) { return quote_order(*checkout, r); },
              .module = kModule,
              .doc = quote_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = orders,
              .policy = http::Policy::roles({"customer"}),
              .handler = [placement, keys](http::Request& r) { return place_order(*placement, *keys, r); },
              .module = kModule,
              .doc = place_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = orders,
              .policy = http::Policy::roles({"customer", "merchant", "admin"}),
              .handler = [queries](http::Request& r) { return list_orders(*queries, r); },
              .module = kModule,
              .doc = list_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = one,
              .policy = http::Policy::roles({"customer", "merchant", "admin"}),
              .handler = [queries](http::Request& r) { return get_order(*queries, r); },
              .module = kModule,
              .doc = get_doc(),
              .access = http::Access::owners_and_admins("order")});
  router.add({.method = "POST",
              .path = one + "/accept",
              .policy = merchants(),
              .handler = [workflow, keys](http::Request& r) { return act(*workflow, *keys, r, Action::Accept); },
              .module = kModule,
              .doc = transition_doc("Accept an order", "placed -> accepted, by the merchant that owns it (or an admin).",
                                    false, false),
              .access = http::Access::owners_and_admins("order")});
  router.add({.method = "POST",
              .path = one + "/reject",
              .policy = merchants(),
              .handler = [workflow, keys](http::Request& r) { return act(*workflow, *keys, r, Action::Reject); },
              .module = kModule,
              .doc = transition_doc("Reject an order",
                                    "placed -> rejected, by the merchant that owns it (or an admin), with a reason.",
                                    true, true),
              .access = http::Access::owners_and_admins("order")});
  router.add({.method = "POST",
              .path = one + "/preparing",
              .policy = merchants(),
              .handler = [workflow, keys](http::Request& r) { return act(*workflow, *keys, r, Action::StartPreparing); },
              .module = kModule,
              .doc = transition_doc("Start preparing an order",
                                    "accepted -> preparing, by the merchant that owns it (or an admin).", false,
                                    false),
              .access = http::Access::owners_and_admins("order")});
  router.add({.method = "POST",
              .path = one + "/ready",
              .policy = merchants(),
              .handler = [workflow, keys](http::Request& r) { return act(*workflow, *keys, r, Action::MarkReady); },
              .module = kModule,
              .doc = transition_doc("Mark an order ready for pickup",
                                    "preparing -> ready_for_pickup, by the merchant that owns it (or an admin).",
                                    false, false),
              .access = http::Access::owners_and_admins("order")});
  router.add({.method = "POST",
              .path = one + "/cancel",
              .policy = http::Policy::roles({"customer", "admin"}),
              .handler = [workflow, keys](http::Request& r) { return act(*workflow, *keys, r, Action::Cancel); },
              .module = kModule,
              .doc = transition_doc("Cancel an order",
                                    "By its customer before the merchant accepted it (pending_payment, placed); by an "
                                    "admin at any point before delivery. The body and its reason are optional.",
                                    true, false),
              .access = http::Access::owners_and_admins("order")});
}

}  // namespace nelo::orders
