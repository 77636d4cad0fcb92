// Reading orders against PostgreSQL: one order composed from its own tables and the other modules'
// interfaces (each part optional), who sees what, and the keyset-paginated lists.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>

#include "core/errors.hpp"
#include "support/orders_fixture.hpp"

namespace nelo::orders::test {
namespace {

class OrdersQueries : public OrdersDbTest {};

TEST_F(OrdersQueries, DetailsComposeTheOrderWithCustomerMerchantAndHistory) {
  const std::string id = place_ok();
  catalog_.merchants[merchant_].phone = "+33149999999";  // changed since: the live part says so
  const OrderDetails d = run(queries_.get(viewer(customer_, true), id));
  EXPECT_EQ(d.order.id, id);
  EXPECT_EQ(d.order.merchant.phone, "+33140000000") << "the snapshot keeps what it was";
  ASSERT_TRUE(d.merchant.has_value());
  EXPECT_EQ(d.merchant->phone, "+33149999999");
  ASSERT_TRUE(d.customer.has_value());
  EXPECT_EQ(d.customer->name, "Élodie Martin");
  EXPECT_FALSE(d.delivery.has_value());
  EXPECT_EQ(d.unavailable, (std::vector<std::string>{"delivery"})) << "no DeliveryInterface in this process";
  ASSERT_EQ(d.history.size(), 2u);
  EXPECT_FALSE(d.history[0].from.has_value());
  EXPECT_EQ(d.history[1].to, OrderStatus::Placed);
  EXPECT_EQ(d.history[1].actor_kind, ActorKind::System);
  EXPECT_EQ(d.history[1].at, d.order.created_at) << "one transaction, one now(), to the microsecond";
  EXPECT_EQ(d.history[0].actor_id, customer_);

  const json::object body = json::parse(to_json_text(d)).as_object();
  EXPECT_TRUE(body.at("delivery").is_null());
  EXPECT_EQ(body.at("unavailable").as_array().size(), 1u);
  EXPECT_FALSE(body.at("customer").as_object().contains("email")) << "only name and phone";
}

TEST_F(OrdersQueries, AFailingModuleCostsItsPartNotTheAnswer) {
  const std::string id = place_ok();
  catalog_.down = true;
  users_.down = true;
  deliveries_.delivery = DeliverySummaryDto{"d1", id, "assigned", std::nullopt, std::nullopt, std::nullopt};
  payments_.down = true;
  OrderQueries with_deliveries(orders_, &users_, &catalog_, &deliveries_, &payments_, clock_);
  const OrderDetails d = run(with_deliveries.get(viewer(customer_, true), id));
  EXPECT_EQ(d.order.id, id);
  EXPECT_FALSE(d.customer.has_value());
  EXPECT_FALSE(d.merchant.has_value());
  EXPECT_FALSE(d.payment.has_value());
  ASSERT_TRUE(d.delivery.has_value());
  EXPECT_EQ(d.delivery->status, "assigned");
  EXPECT_EQ(d.unavailable, (std::vector<std::string>{"customer", "merchant", "payment"}));

  OrderQueries bare(orders_, nullptr, nullptr, nullptr, nullptr, clock_);
  EXPECT_EQ(run(bare.get(viewer(customer_, true), id)).unavailable,
            (std::vector<std::string>{"customer", "merchant", "delivery", "payment"}));
}

TEST_F(OrdersQueries, ThePaymentStatusIsShownWithTheOrder) {
  const std::string id = place_ok();
  EXPECT_TRUE(json::parse(to_json_text(run(queries_.get(viewer(customer_, true), id)))).at("payment").is_null())
      << "none yet";
  payments_.status = PaymentStatusDto{"p1", "failed", "card", "visa", "9995", "insufficient_funds",
                                      "Your card has insufficient funds.", std::nullopt};
  const json::value body = json::parse(to_json_text(run(queries_.get(viewer(customer_, true), id))));
  EXPECT_EQ(body.at("payment"), json::parse(R"({"id": "p1", "status": "failed", "method": "card", "card_brand": "visa",
      "card_last4": "9995", "failure_code": "insufficient_funds", "failure_reason": "Your card has insufficient funds.",
      "action_url": null})"));
}

TEST_F(OrdersQueries, TheDeliveryPinIsShownToTheOrdersCustomerOnly) {
  const std::string id = place_ok();
  deliveries_.delivery = DeliverySummaryDto{"d1", id, "pending", std::nullopt, std::nullopt, std::string("0427")};
  OrderQueries with_deliveries(orders_, &users_, &catalog_, &deliveries_, nullptr, clock_);
  const OrderDetails mine = run(with_deliveries.get(viewer(customer_, true), id));
  ASSERT_TRUE(mine.delivery.has_value());
  EXPECT_EQ(mine.delivery->pin, std::optional<std::string>("0427"));
  EXPECT_EQ(json::parse(to_json_text(mine)).at("delivery").at("pin"), json::value("0427"));

  const OrderDetails merchants = run(with_deliveries.get(viewer(owner_, false, true), id));
  ASSERT_TRUE(merchants.delivery.has_value());
  EXPECT_FALSE(merchants.delivery->pin.has_value());
  EXPECT_TRUE(json::parse(to_json_text(merchants)).at("delivery").at("pin").is_null());
  const OrderDetails admins = run(with_deliveries.get(viewer(new_uuid(), false, false, true), id));
  EXPECT_FALSE(admins.delivery->pin.has_value()) << "not even an admin";
}

TEST_F(OrdersQueries, RemembersCustomerAndMerchantForTheTtlButNeverAFailure) {
  const std::string id = place_ok();
  OrderQueries cached(orders_, &users_, &catalog_, nullptr, &payments_, clock_, std::chrono::seconds(60));
  // A failure is not remembered: the next read asks again.
  users_.down = true;
  EXPECT_EQ(run(cached.get(viewer(customer_, true), id)).unavailable,
            (std::vector<std::string>{"customer", "delivery"}));
  users_.down = false;
  const OrderDetails first = run(cached.get(viewer(customer_, true), id));
  ASSERT_TRUE(first.customer && first.merchant);
  // Within the TTL both parts come from memory, even with both modules down.
  users_.down = true;
  catalog_.down = true;
  const OrderDetails second = run(cached.get(viewer(customer_, true), id));
  EXPECT_EQ(second.customer, first.customer);
  EXPECT_EQ(second.merchant, first.merchant);
  EXPECT_EQ(second.unavailable, (std::vector<std::string>{"delivery"}));
  // The order itself is always read fresh, and access is still checked on every read.
  EXPECT_THROW(run(cached.get(viewer(other_customer_, true), id)), NotFound);
}

TEST_F(OrdersQueries, OnlyTheCustomerTheOwningMerchantAndAdminsSeeAnOrder) {
  const std::string id = place_ok();
  EXPECT_NO_THROW(run(queries_.get(viewer(customer_, true), id)));
  EXPECT_NO_THROW(run(queries_.get(viewer(owner_, false, true), id)));
  EXPECT_NO_THROW(run(queries_.get(viewer(new_uuid(), false, false, true), id)));
  EXPECT_THROW(run(queries_.get(viewer(other_customer_, true), id)), NotFound);
  EXPECT_THROW(run(queries_.get(viewer(other_owner_, false, true), id)), NotFound);
  EXPECT_THROW(run(queries_.get(viewer(owner_, true, false), id)), NotFound) << "the owner as a customer is not the owner";
  EXPECT_THROW(run(queries_.get(viewer(customer_, true), new_uuid())), NotFound);
  EXPECT_THROW(run(queries_.get(viewer(customer_, true), "not-a-uuid")), NotFound);
}

TEST_F(OrdersQueries, ConcurrentReadsOfManyOrders_EachGetTheirOwn_ThroughSharedStatements) {
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(place_ok(i % 3 ? PaymentMethod::Cash : PaymentMethod::Card));
  const std::string unknown = new_uuid();
  std::atomic<int> right{0}, wrong{0}, not_found{0};
  run([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    for (int i = 0; i < 240; ++i) {
      asio::co_spawn(
          executor,
          [&, i]() -> asio::awaitable<void> {
            // Every tenth asks for an order that does not exist; some spell the id in capitals.
            std::string id = i % 10 == 0 ? unknown : ids[static_cast<std::size_t>(i) % ids.size()];
            const std::string expected = id;
            if (i % 4 == 1) std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::toupper(c); });
            try {
              const OrderDetails details = co_await queries_.get(viewer(customer_, true), id);
              details.order.id == expected && i % 10 != 0 && details.history.size() >= 1 ? ++right : ++wrong;
            } catch (const NotFound&) {
              i % 10 == 0 ? ++not_found : ++wrong;
            }
          },
          asio::detached);
    }
  }());
  EXPECT_EQ(right.load(), 216);
  EXPECT_EQ(not_found.load(), 24);
  EXPECT_EQ(wrong.load(), 0);
  // The capitalised ids and the unknown one went through the batches too; lookups outnumber the
  // statements that served them.
  const std::string metrics = registry_.render();
  const auto counted = [&metrics](const std::string& family) {
    const std::string line = family + "{lookup=\"orders.with_history\"} ";
    const auto at = metrics.find(line);
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + line.size()));
  };
  EXPECT_EQ(counted("nelo_db_batched_lookups_total"), 240.0) << metrics;
  EXPECT_GE(counted("nelo_db_batched_statements_total"), 1.0) << metrics;
  EXPECT_LT(counted("nelo_db_batched_statements_total"), 240.0) << metrics;
}

TEST_F(OrdersQueries, ListsAreScopedNewestFirstAndPagedWithoutGapsOrRepeats) {
  std::vector<std::string> mine;
  for (int i = 0; i < 7; ++i) mine.push_back(place_ok(i % 2 ? PaymentMethod::Card : PaymentMethod::Cash));
  OrderRequest bobs = request();
  bobs.address_id = others_home_;
  const std::string his = place(bobs, new_uuid(), other_customer_).id();

  // The customer: their 7, newest first, 3 per page.
  std::vector<std::string> seen;
  OrderListQuery q;
  q.limit = 3;
  int pages = 0;
  while (true) {
    const OrderPage page = run(queries_.list(viewer(customer_, true), q));
    ++pages;
    for (const auto& o : page.items) seen.push_back(o.id);
    if (!page.next) break;
    q.after = page.next;
  }
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected(mine.rbegin(), mine.rend());
  EXPECT_EQ(seen, expected);

  // The merchant owner: all 8; another merchant: none; an admin: all 8.
  OrderListQuery all;
  all.limit = 100;
  EXPECT_EQ(run(queries_.list(viewer(owner_, false, true), all)).items.size(), 8u);
  EXPECT_TRUE(run(queries_.list(viewer(other_owner_, false, true), all)).items.empty());
  EXPECT_EQ(run(queries_.list(viewer(new_uuid(), false, false, true), all)).items.size(), 8u);
  const auto bob = run(queries_.list(viewer(other_customer_, true), all));
  ASSERT_EQ(bob.items.size(), 1u);
  EXPECT_EQ(bob.items[0].id, his);
  EXPECT_TRUE(bob.items[0].lines.empty()) << "lists carry summaries";

  // The status filter.
  OrderListQuery pending = all;
  pending.status = OrderStatus::PendingPayment;
  EXPECT_EQ(run(queries_.list(viewer(customer_, true), pending)).items.size(), 3u);
  pending.status = OrderStatus::Delivered;
  EXPECT_TRUE(run(queries_.list(viewer(owner_, false, true), pending)).items.empty());

  // Drivers (no customer, merchant or admin role) list nothing: forbidden.
  EXPECT_THROW(run(queries_.list(viewer(new_uuid(), false, false, false), all)), Forbidden);
}

TEST_F(OrdersQueries, PagingIsStableWhileOrdersArrive) {
  for (int i = 0; i < 4; ++i) place_ok();
  OrderListQuery q;
  q.limit = 2;
  const OrderPage first = run(queries_.list(viewer(customer_, true), q));
  ASSERT_TRUE(first.next.has_value());
  const std::string newest = place_ok();  // arrives between two pages
  q.after = first.next;
  const OrderPage second = run(queries_.list(viewer(customer_, true), q));
  std::set<std::string> ids;
  for (const auto& o : first.items) ids.insert(o.id);
  for (const auto& o : second.items) EXPECT_TRUE(ids.insert(o.id).second) << "seen twice: " << o.id;
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.count(newest), 0u) << "newer than the cursor: on a fresh first page";
  EXPECT_FALSE(second.next.has_value());
}

TEST_F(OrdersQueries, EveryListShapeIsServedInOrderByAnIndex) {
  for (int i = 0; i < 3; ++i) place_ok();
  database_.exec("ANALYZE orders.orders");
  // Small tables favour sequential scans: forbid them to see what the indexes can do. An index
  // that serves a shape yields its rows already in (created_at DESC, id DESC) order: no Sort.
  const std::string columns = "SET enable_seqscan = off; EXPLAIN SELECT o.id FROM orders.orders o ";
  const std::string order = " ORDER BY o.created_at DESC, o.id DESC LIMIT 21";
  const std::string after = "(o.created_at, o.id) < (now(), '" + new_uuid() + "'::uuid)";
  const std::vector<std::string> shapes = {
      "WHERE o.customer_id = '" + customer_ + "'",
      "WHERE o.customer_id = '" + customer_ + "' AND o.status = 'placed' AND " + after,
      "WHERE o.merchant_owner_id = '" + owner_ + "'",
      "WHERE o.merchant_owner_id = '" + owner_ + "' AND o.status = 'placed'",
      "WHERE " + after,
      "WHERE o.status = 'placed'"};
  for (const auto& where : shapes) {
    std::string plan;
    for (const auto& line : column(columns + where + order)) plan += line + "\n";
    EXPECT_NE(plan.find("Index"), std::string::npos) << where << "\n" << plan;
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << where << "\n" << plan;
    EXPECT_EQ(plan.find("Sort"), std::string::npos) << where << "\n" << plan;
  }
}

}  // namespace
}  // namespace nelo::orders::test
