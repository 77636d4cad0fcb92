// Placing orders against PostgreSQL with in-test users and catalog: what one placement writes (and
// that a failure half-way writes nothing), Stripe-style idempotency under sequential and
// concurrent retries, and every check made against the other modules.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "core/errors.hpp"
#include "support/orders_fixture.hpp"

namespace nelo::orders::test {
namespace {

class OrdersPlacement : public OrdersDbTest {};

// --- what a placement writes ---

TEST_F(OrdersPlacement, CashOrderIsCreatedAndPlacedInOneTransaction) {
  const Placed placed = place(request(PaymentMethod::Cash));
  ASSERT_EQ(placed.response.status, 201) << placed.response.body;
  EXPECT_FALSE(placed.replayed);
  EXPECT_EQ(placed.response.content_type, "application/json");
  const json::value body = placed.body();
  const std::string id = placed.id();
  EXPECT_EQ(body.at("status").as_string(), "placed");
  EXPECT_EQ(body.at("version").as_int64(), 2);

  // Pricing, computed here: 2 x 950 + 720 = 2620; ~1.3 km -> 199; 5 % of 2620 = 131.
  EXPECT_EQ(body.at("pricing").at("subtotal").at("amount").as_int64(), 2620);
  EXPECT_EQ(body.at("pricing").at("delivery_fee").at("amount").as_int64(), 199);
  EXPECT_EQ(body.at("pricing").at("service_fee").at("amount").as_int64(), 131);
  EXPECT_EQ(body.at("pricing").at("total").at("amount").as_int64(), 2620 + 199 + 131);
  EXPECT_EQ(body.at("pricing").at("total").at("currency").as_string(), "EUR");
  const auto distance = body.at("distance_m").as_int64();
  EXPECT_GT(distance, 1000);
  EXPECT_LT(distance, 2000);

  // The database holds the same, with every snapshot.
  EXPECT_EQ(status_of(id), "placed");
  EXPECT_EQ(value("SELECT customer_id || ' ' || merchant_id || ' ' || merchant_owner_id FROM orders.orders WHERE id = '" +
                  id + "'"),
            customer_ + " " + merchant_ + " " + owner_);
  EXPECT_EQ(value("SELECT subtotal || '+' || delivery_fee || '+' || service_fee || '=' || total || ' ' || currency"
                  " FROM orders.orders WHERE id = '" + id + "'"),
            "2620+199+131=2950 EUR");
  // The lines, as a document of the order row.
  EXPECT_EQ(column("SELECT (l->>'product_id') || ':' || (l->>'name') || ':' || (l->>'unit_price') || 'x' ||"
                   " (l->>'quantity') || '=' || (l->>'line_total') FROM orders.orders o, jsonb_array_elements(o.lines) l"
                   " WHERE o.id = '" + id + "' ORDER BY (l->>'line_no')::int"),
            (std::vector<std::string>{pizza_ + ":Margherita:950x2=1900", salad_ + ":Salade niçoise:720x1=720"}));
  EXPECT_EQ(value("SELECT count(*) FROM orders.orders WHERE id = '" + id + "' AND version = 2 AND updated_at = created_at"),
            "1")
      << "written already placed, not inserted then updated";
  EXPECT_EQ(value("SELECT (delivery_address->>'label') || ' / ' || (merchant_snapshot->>'name') || ' / ' ||"
                  " (customer_snapshot->>'name') || ' / ' || (customer_snapshot->>'phone') FROM orders.orders"
                  " WHERE id = '" +
                  id + "'"),
            "Home / Chez Nelo / Élodie Martin / +33612345678");
  EXPECT_EQ(value("SELECT round(dropoff_lat::numeric, 4) || ',' || round(pickup_lng::numeric, 4)"
                  " FROM orders.orders WHERE id = '" + id + "'"),
            "48.8606,2.3522");
  EXPECT_EQ(history_of(id), (std::vector<std::string>{"->pending_payment:customer", "pending_payment>placed:system"}));
  EXPECT_EQ(events_of(id), (std::vector<std::string>{"order.created", "order.placed"}));
  EXPECT_EQ(value("SELECT payload->'payment'->>'method' FROM orders.outbox WHERE name = 'order.created'"), "cash");
  EXPECT_EQ(value("SELECT response_status FROM orders.idempotency_keys"), "201");
}

TEST_F(OrdersPlacement, TheDatabaseRefusesLinesThatDoNotAddUp) {
  const Placed placed = place(request(PaymentMethod::Cash));
  ASSERT_EQ(placed.response.status, 201) << placed.response.body;
  const std::string where = " WHERE id = '" + placed.id() + "'";
  const std::string before = value("SELECT lines::text FROM orders.orders" + where);
  // Each breaks one rule of orders_lines_valid; none may be written, even by hand.
  for (const std::string& lines :
       {std::string("[]"), std::string("{}"),
        std::string(R"([{"line_no":1,"product_id":"p","name":"n","unit_price":500,"quantity":2,"line_total":999}])"),
        std::string(R"([{"line_no":1,"product_id":"p","name":"n","unit_price":500,"quantity":51,"line_total":25500}])"),
        std::string(R"([{"line_no":1,"product_id":"p","name":"n","unit_price":-1,"quantity":1,"line_total":-1}])"),
        std::string(R"([{"line_no":1,"product_id":"p","unit_price":500,"quantity":1,"line_total":500}])"),
        std::string(R"([{"line_no":1,"product_id":"p","name":"n","unit_price":500,"quantity":"1","line_total":500}])")}) {
    EXPECT_THROW(database_.exec("UPDATE orders.orders SET lines = '" + lines + "'" + where), std::exception) << lines;
  }
  EXPECT_EQ(value("SELECT lines::text FROM orders.orders" + where), before);
  database_.exec(R"(UPDATE orders.orders SET lines = '[{"line_no":1,"product_id":"p","name":"n","unit_price":500,"quantity":2,"line_total":1000}]')" + where);
  EXPECT_EQ(value("SELECT lines->0->>'line_total' FROM orders.orders" + where), "1000") << "a consistent line is accepted";
}

TEST_F(OrdersPlacement, TheDatabaseRefusesAStatusChangeWithoutItsHistoryEntry) {
  const Placed placed = place(request(PaymentMethod::Cash));
  ASSERT_EQ(placed.response.status, 201) << placed.response.body;
  const std::string where = " WHERE id = '" + placed.id() + "'";
  EXPECT_THROW(database_.exec("UPDATE orders.orders SET status = 'accepted'" + where), std::exception);
  EXPECT_THROW(database_.exec("UPDATE orders.orders SET history = '[]'" + where), std::exception);
  EXPECT_THROW(database_.exec("UPDATE orders.orders SET history = history - 0" + where), std::exception)
      << "the creation entry comes first";
  EXPECT_EQ(value("SELECT status || ' ' || jsonb_array_length(history) FROM orders.orders" + where), "placed 2");
  database_.exec(
      "UPDATE orders.orders SET status = 'accepted', history = history || jsonb_build_array(jsonb_build_object("
      "'from_status', 'placed', 'to_status', 'accepted', 'action', 'accept', 'actor_kind', 'admin', 'actor_id', NULL,"
      " 'reason', NULL, 'at', now()))" + where);
  EXPECT_EQ(value("SELECT status FROM orders.orders" + where), "accepted") << "with its entry, the change is accepted";
}

TEST_F(OrdersPlacement, CardOrderHandsItsTokenToPaymentsAndKeepsItNowhere) {
  const Placed placed = place(request(PaymentMethod::Card));
  ASSERT_EQ(placed.response.status, 201) << placed.response.body;
  const std::string id = placed.id();
  EXPECT_EQ(placed.body().at("status").as_string(), "pending_payment");
  EXPECT_EQ(placed.body().at("payment_method").as_string(), "card");
  EXPECT_EQ(placed.response.body.find("tok_visa"), std::string::npos) << "the token is never echoed";
  EXPECT_EQ(history_of(id), (std::vector<std::string>{"->pending_payment:customer"}));
  EXPECT_EQ(events_of(id), (std::vector<std::string>{"order.created"}));
  // Handed over once the order was committed, with what payments needs to take the money.
  ASSERT_EQ(payments_.authorizations.size(), 1u);
  const auto& [summary, token] = payments_.authorizations.front();
  EXPECT_EQ(token, "tok_visa_4242");
  EXPECT_EQ(summary.order_id, id);
  EXPECT_EQ(summary.customer_id, customer_);
  EXPECT_EQ(summary.merchant_id, merchant_);
  EXPECT_EQ(summary.merchant_owner_id, owner_);
  EXPECT_EQ(summary.total.amount, summary.subtotal + summary.delivery_fee + summary.service_fee);
  EXPECT_EQ(std::to_string(summary.total.amount), value("SELECT total FROM orders.orders WHERE id = '" + id + "'"));
  // ...and nowhere else: not in order.created, not in any row of the orders schema.
  EXPECT_EQ(value("SELECT payload->'payment'::text FROM orders.outbox WHERE name = 'order.created'"),
            "{\"method\": \"card\"}");
  EXPECT_EQ(value("SELECT count(*) FROM orders.outbox o WHERE o::text LIKE '%tok_visa%'"), "0");
  EXPECT_EQ(value("SELECT count(*) FROM orders.orders o WHERE o::text LIKE '%tok_visa%'"), "0");
  EXPECT_EQ(value("SELECT count(*) FROM orders.idempotency_keys k WHERE k::text LIKE '%tok_visa%'"), "0");
}

TEST_F(OrdersPlacement, CashOrdersHandNothingOverAndAPaymentsOutageStillPlacesTheCardOrder) {
  ASSERT_EQ(place(request(PaymentMethod::Cash)).response.status, 201);
  EXPECT_TRUE(payments_.authorizations.empty());
  payments_.down = true;
  const Placed placed = place(request(PaymentMethod::Card));
  EXPECT_EQ(placed.response.status, 201) << "committed before the hand-over: payments' sweep settles it";
  EXPECT_EQ(placed.body().at("status").as_string(), "pending_payment");
}

TEST_F(OrdersPlacement, LaterCatalogChangesDoNotRewriteThePlacedOrder) {
  const std::string id = place_ok();
  catalog_.products[pizza_].price.amount = 1500;
  catalog_.products[pizza_].name = "Margherita (new recipe)";
  catalog_.merchants[merchant_].name = "Renamed";
  users_.addresses[home_].label = "Moved";
  const auto order = run(orders_.find(id));
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(order->lines.at(0).unit_price, 950);
  EXPECT_EQ(order->lines.at(0).name, "Margherita");
  EXPECT_EQ(order->merchant.name, "Chez Nelo");
  EXPECT_EQ(order->delivery_address.label, "Home");
}

TEST_F(OrdersPlacement, AFailureHalfWayLeavesNothingAndFreesTheKey) {
  // order.placed is the last write of a cash placement: the order, its lines, its history and
  // order.created are already in the transaction when it fails.
  FailingBus failing(*bus_, "order.placed");
  OrderWorkflow workflow(module_db_, failing, orders_, registry_);
  OrderPlacement placement(placements_, failing, checkout_, orders_, workflow, nullptr, clock_);
  const std::string key = new_uuid();
  EXPECT_THROW(run(place_async(request(), key, customer_, &placement)), std::runtime_error);
  for (const char* table : {"orders.orders", "orders.outbox",
                            "orders.idempotency_keys"}) {
    EXPECT_EQ(count(std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  // The same key works once the failure is gone: nothing was stored for it.
  const Placed retried = place(request(), key);
  EXPECT_EQ(retried.response.status, 201) << retried.response.body;
  EXPECT_FALSE(retried.replayed);
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 1);
}

TEST_F(OrdersPlacement, AnUnavailableModuleIsA503AndFreesTheKey) {
  users_.down = true;
  const std::string key = new_uuid();
  EXPECT_THROW(place(request(), key), ServiceUnavailable);
  EXPECT_EQ(count("SELECT count(*) FROM orders.idempotency_keys"), 0);
  users_.down = false;
  EXPECT_EQ(place(request(), key).response.status, 201);

  OrderCheckout without_catalog(&users_, nullptr, settings().pricing, clock_);
  EXPECT_THROW(run(without_catalog.quote(customer_, request())), ServiceUnavailable);
}

TEST_F(OrdersPlacement, SeveralReadsFailingAtOnceAreOne503NotA500) {
  // The database down under the checks: the address, the merchant and the products all fail, side
  // by side. The answer is the first failure (a 503), not asio's multiple_exceptions (a 500).
  users_.down = true;
  catalog_.down = true;
  const std::string key = new_uuid();
  EXPECT_THROW(place(request(), key), ServiceUnavailable);
  EXPECT_THROW(run(checkout_.quote(customer_, request())), ServiceUnavailable);
  EXPECT_EQ(count("SELECT count(*) FROM orders.idempotency_keys"), 0);
  users_.down = false;
  catalog_.down = false;
  EXPECT_EQ(place(request(), key).response.status, 201);
}

// --- idempotency ---

TEST_F(OrdersPlacement, TwentySequentialRetriesMakeOneOrderAndReplayTheSameBytes) {
  const std::string key = new_uuid();
  const Placed first = place(request(), key);
  ASSERT_EQ(first.response.status, 201) << first.response.body;
  for (int i = 0; i < 19; ++i) {
    const Placed again = place(request(), key);
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.response.status, 201);
    EXPECT_EQ(again.response.body, first.response.body) << "byte-identical";
    EXPECT_EQ(again.response.content_type, first.response.content_type);
  }
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox WHERE name = 'order.created'"), 1);
}

TEST_F(OrdersPlacement, FiftyConcurrentRequestsWithOneKeyMakeExactlyOneOrder) {
  const std::string key = new_uuid();
  ConcurrentOutcomes out;
  place_at_once(std::vector<std::string>(50, key), out);
  EXPECT_EQ(out.created.load(), 1);
  EXPECT_EQ(out.created + out.replayed + out.in_flight, 50) << "every request answered 201 (first or replayed) or 409";
  EXPECT_EQ(out.other.load(), 0);
  EXPECT_EQ(out.bodies_by_key[key].size(), 1u) << "every 201 is the same response";
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 1);
  EXPECT_EQ(count("SELECT sum(jsonb_array_length(lines)) FROM orders.orders"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox"), 2);
}

TEST_F(OrdersPlacement, ConcurrentPlacementsCommitInGroups_EachWhole_AndAKeyConflictCostsNoOtherItsOrder) {
  // 60 placements at once: 50 keys, ten of them sent twice. The groups their commits form mix
  // the pairs with the others; a pair's conflict must not sink anyone else's order.
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) keys.push_back(new_uuid());
  for (int i = 0; i < 10; ++i) keys.push_back(keys[static_cast<std::size_t>(i)]);
  ConcurrentOutcomes out;
  place_at_once(keys, out);
  EXPECT_EQ(out.created.load(), 50) << "one order per key";
  EXPECT_EQ(out.replayed + out.in_flight, 10);
  EXPECT_EQ(out.other.load(), 0);
  for (const auto& [key, bodies] : out.bodies_by_key) EXPECT_EQ(bodies.size(), 1u) << key;
  EXPECT_EQ(out.created_ids.size(), 50u);

  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 50);
  EXPECT_EQ(count("SELECT count(*) FROM orders.idempotency_keys"), 50);
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox"), 100) << "order.created and order.placed of each";
  for (const auto& id : out.created_ids) {
    EXPECT_EQ(value("SELECT status || ' ' || jsonb_array_length(history) || ' ' ||"
                    " (created_at = (history->0->>'at')::timestamptz)"
                    " FROM orders.orders WHERE id = '" + id + "'"),
              "placed 2 true")
        << id;
  }
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox c JOIN orders.outbox p"
                  " ON p.payload->>'order_id' = c.payload->>'order_id'"
                  " WHERE c.name = 'order.created' AND p.name = 'order.placed' AND c.seq < p.seq"),
            50)
      << "each order's events in the order it published them";

  const auto stats = placements_.stats();
  EXPECT_GE(stats.transactions, 50u);
  EXPECT_LT(stats.groups, stats.transactions) << "placements ready at once commit together";
}

TEST_F(OrdersPlacement, TheSameKeyWithAnotherBodyIs422) {
  const std::string key = new_uuid();
  ASSERT_EQ(place(request(), key).response.status, 201);
  OrderRequest other = request();
  other.items[0].quantity = 3;
  try {
    place(other, key);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Invalid);
    EXPECT_EQ(e.type(), "idempotency-key-reused");
  }
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 1);
}

TEST_F(OrdersPlacement, KeysOfTwoCustomersNeverCollide) {
  const std::string key = "shared-key-123";
  OrderRequest bobs = request();
  bobs.address_id = others_home_;
  const Placed mine = place(request(), key, customer_);
  const Placed his = place(bobs, key, other_customer_);
  EXPECT_EQ(mine.response.status, 201);
  EXPECT_EQ(his.response.status, 201);
  EXPECT_FALSE(his.replayed);
  EXPECT_NE(mine.id(), his.id());
}

TEST_F(OrdersPlacement, AValidationRefusalIsStoredAndReplayedEvenAfterTheCauseIsGone) {
  catalog_.merchants[merchant_].open = false;
  const std::string key = new_uuid();
  const Placed refused = place(request(), key);
  EXPECT_EQ(refused.response.status, 422);
  EXPECT_EQ(refused.response.content_type, "application/problem+json");
  EXPECT_FALSE(refused.replayed);
  EXPECT_NE(refused.response.body.find("merchant_id"), std::string::npos) << refused.response.body;
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 0);

  catalog_.merchants[merchant_].open = true;
  const Placed replay = place(request(), key);
  EXPECT_TRUE(replay.replayed);
  EXPECT_EQ(replay.response.status, 422);
  EXPECT_EQ(replay.response.body, refused.response.body);
  EXPECT_EQ(place(request(), new_uuid()).response.status, 201) << "a new key is a new attempt";
}

TEST_F(OrdersPlacement, ARefusedBodyIsTheKeysAnswerTooAndIsNotReadAgain) {
  const std::string fingerprint = idempotency::request_fingerprint("POST", "/api/v1/orders", R"({"items": []})");
  const std::string key = new_uuid();
  std::atomic<int> reads{0};
  // As the route does: the body is read (and refused) inside the work, once the key is unused.
  std::function<asio::awaitable<Order>(db::CommitStep<Order>)> invalid =
      [&reads](db::CommitStep<Order>) -> asio::awaitable<Order> {
    reads.fetch_add(1);
    throw ValidationError("items", "must contain at least one item");
  };
  const idempotency::Renderings<Order> rendered = renderings();
  auto attempt = [&]() -> asio::awaitable<idempotency::KeyedAnswer> {
    auto claim = co_await keys_.claim(customer_, key, fingerprint);
    co_return co_await idempotency::answer_keyed<Order>(keys_, std::move(claim), "order", rendered, invalid);
  };
  auto first = run(attempt());
  EXPECT_EQ(first.response.status, 422);
  EXPECT_FALSE(first.replayed);
  auto again = run(attempt());
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.response.body, first.response.body);
  EXPECT_EQ(reads.load(), 1) << "a replay does not read the body again";
  EXPECT_EQ(value("SELECT response_status FROM orders.idempotency_keys"), "422");
}

TEST_F(OrdersPlacement, ATransientFailureIsNotTheKeysAnswer) {
  const std::string fingerprint = idempotency::request_fingerprint("POST", "/api/v1/orders", "{}");
  const std::string key = new_uuid();
  std::function<asio::awaitable<Order>(db::CommitStep<Order>)> busy =
      [](db::CommitStep<Order>) -> asio::awaitable<Order> { throw Conflict("not now"); };
  const idempotency::Renderings<Order> rendered = renderings();
  auto attempt = [&]() -> asio::awaitable<idempotency::KeyedAnswer> {
    auto claim = co_await keys_.claim(customer_, key, fingerprint);
    co_return co_await idempotency::answer_keyed<Order>(keys_, std::move(claim), "order", rendered, busy);
  };
  EXPECT_THROW(run(attempt()), Conflict);
  EXPECT_EQ(count("SELECT count(*) FROM orders.idempotency_keys"), 0) << "409 says \"not now\": a retry is judged afresh";
}

// --- the checks against users and catalog ---

class OrdersValidation : public OrdersDbTest {
 protected:
  std::vector<FieldError> quote_errors(const OrderRequest& r, std::string customer = {}) {
    try {
      run(checkout_.quote(customer.empty() ? customer_ : customer, r));
    } catch (const ValidationError& e) {
      return e.errors();
    }
    ADD_FAILURE() << "accepted";
    return {};
  }
  static bool has(const std::vector<FieldError>& errors, std::string_view field, std::string_view fragment) {
    return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) {
      return e.field == field && e.message.find(fragment) != std::string::npos;
    });
  }
  static std::string dump(const std::vector<FieldError>& errors) {
    std::string out;
    for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
    return out;
  }
};

TEST_F(OrdersValidation, AQuoteIsTheOrderWithoutCreatingIt) {
  const Quote q = run(checkout_.quote(customer_, request()));
  EXPECT_EQ(q.pricing.subtotal, 2620);
  EXPECT_EQ(q.pricing.total, 2620 + 199 + 131);
  ASSERT_EQ(q.lines.size(), 2u);
  EXPECT_EQ(q.lines[0].line_total, 1900);
  EXPECT_EQ(count("SELECT count(*) FROM orders.orders"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM orders.outbox"), 0);
  EXPECT_EQ(catalog_.product_calls.load(), 1) << "all products in one call";
}

TEST_F(OrdersValidation, UnknownMerchant) {
  OrderRequest r = request();
  r.merchant_id = new_uuid();
  const auto errors = quote_errors(r);
  EXPECT_TRUE(has(errors, "merchant_id", "not a known merchant")) << dump(errors);
  EXPECT_EQ(errors.size(), 1u) << "its products are not judged: " << dump(errors);
}

TEST_F(OrdersValidation, ClosedMerchant) {
  catalog_.merchants[merchant_].open = false;
  const auto errors = quote_errors(request());
  EXPECT_TRUE(has(errors, "merchant_id", "closed")) << dump(errors);
}

TEST_F(OrdersValidation, UnknownOrAnotherCustomersAddress) {
  OrderRequest r = request();
  r.address_id = new_uuid();
  EXPECT_TRUE(has(quote_errors(r), "address_id", "not one of your delivery addresses"));
  r.address_id = others_home_;
  EXPECT_TRUE(has(quote_errors(r), "address_id", "not one of your delivery addresses"));
}

TEST_F(OrdersValidation, AddressOutsideTheDeliveryRadius) {
  OrderRequest r = request();
  r.address_id = far_;
  const auto errors = quote_errors(r);
  EXPECT_TRUE(has(errors, "address_id", "outside its delivery radius of 5000 m")) << dump(errors);
  // The same address is fine for a merchant that delivers further, and pays the last tier.
  catalog_.merchants[merchant_].delivery_radius_m = 20000;
  const Quote q = run(checkout_.quote(customer_, r));
  EXPECT_GT(q.distance_m, 7000);
  EXPECT_EQ(q.pricing.delivery_fee, 399);
}

TEST_F(OrdersValidation, TheRadiusBoundIsInclusiveInWholeMetres) {
  const Quote q = run(checkout_.quote(customer_, request()));
  catalog_.merchants[merchant_].delivery_radius_m = q.distance_m;
  EXPECT_NO_THROW(run(checkout_.quote(customer_, request())));
  catalog_.merchants[merchant_].delivery_radius_m = q.distance_m - 1;
  EXPECT_TRUE(has(quote_errors(request()), "address_id", "outside"));
}

TEST_F(OrdersValidation, UnknownAnotherMerchantsAndUnavailableProducts) {
  OrderRequest r = request();
  RequestedItem unknown{new_uuid(), 1};
  RequestedItem foreign{foreign_, 1};
  RequestedItem sold_out{sold_out_, 1};
  r.items.push_back(unknown);
  r.items.push_back(foreign);
  r.items.push_back(sold_out);
  const auto errors = quote_errors(r);
  EXPECT_TRUE(has(errors, "items[2].product_id", "not a product of this merchant")) << dump(errors);
  EXPECT_TRUE(has(errors, "items[3].product_id", "not a product of this merchant")) << dump(errors);
  EXPECT_TRUE(has(errors, "items[4].product_id", "not available")) << dump(errors);
  EXPECT_EQ(errors.size(), 3u) << dump(errors);
}

TEST_F(OrdersValidation, MixedCurrencies) {
  OrderRequest r = request();
  RequestedItem soda{dollars_, 1};
  r.items.push_back(soda);
  EXPECT_TRUE(has(quote_errors(r), "items", "mixes currencies"));
}

TEST_F(OrdersValidation, SubtotalUnderTheMinimumOrder) {
  OrderRequest r = request();
  r.items = {RequestedItem{salad_, 1}};  // 720 < 1000
  const auto errors = quote_errors(r);
  EXPECT_TRUE(has(errors, "items", "below this merchant's minimum order of 1000")) << dump(errors);
  r.items = {RequestedItem{salad_, 2}};  // 1440
  EXPECT_NO_THROW(run(checkout_.quote(customer_, r)));
}

TEST_F(OrdersValidation, EveryProblemIsReportedAtOnce) {
  catalog_.merchants[merchant_].open = false;
  OrderRequest r = request();
  r.address_id = others_home_;
  r.items.push_back(RequestedItem{sold_out_, 1});
  const auto errors = quote_errors(r);
  EXPECT_TRUE(has(errors, "merchant_id", "closed")) << dump(errors);
  EXPECT_TRUE(has(errors, "address_id", "not one of")) << dump(errors);
  EXPECT_TRUE(has(errors, "items[2].product_id", "not available")) << dump(errors);
}

}  // namespace
}  // namespace nelo::orders::test
