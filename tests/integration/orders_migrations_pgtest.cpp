// Orders placed before migrations 0003 to 0005 keep their lines, history and points: the rows of
// order_items and status_history become the order row's documents, in order, and the tables go;
// the geography points become latitude and longitude columns.

#include <algorithm>

#include "db_fixture.hpp"
#include "modules/orders/module.hpp"
#include "shared/module.hpp"

namespace nelo::test {
namespace {

class OrdersMigrations : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool = make_pool(2);

  void migrate_orders(std::size_t files) {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    const auto all = orders::migrations();
    migrate(*pool, {{"orders", templates, all.first(std::min(files, all.size()))}});
  }
};

constexpr const char* kOrder = "01a21464-0000-7000-8000-000000000001";
constexpr const char* kCustomer = "01a21464-0000-7000-8000-0000000000c1";

TEST_F(OrdersMigrations, LinesHistoryAndPointsMoveIntoTheOrderRow) {
  migrate_orders(2);  // the schema as the first release had it
  const std::string order = std::string("'") + kOrder + "'";
  database.exec(
      "INSERT INTO orders.orders (id, customer_id, merchant_id, merchant_owner_id, status, payment_method, currency,"
      " subtotal, delivery_fee, service_fee, total, distance_m, delivery_address, dropoff, merchant_snapshot, pickup,"
      " customer_snapshot) VALUES (" + order + ", '" + kCustomer + "', gen_random_uuid(), gen_random_uuid(),"
      " 'accepted', 'cash', 'EUR', 2620, 199, 131, 2950, 1161, '{\"label\":\"Home\"}',"
      " ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326)::geography, '{\"name\":\"Chez Nelo\"}',"
      " ST_SetSRID(ST_MakePoint(2.34, 48.86), 4326)::geography, '{\"name\":\"Élodie\"}');"
      "INSERT INTO orders.order_items (order_id, line_no, product_id, name, unit_price, quantity, line_total) VALUES"
      " (" + order + ", 2, gen_random_uuid(), 'Salade niçoise', 720, 1, 720),"
      " (" + order + ", 1, gen_random_uuid(), 'Margherita', 950, 2, 1900);"
      "INSERT INTO orders.status_history (order_id, from_status, to_status, action, actor_kind, actor_id, reason)"
      " VALUES (" + order + ", NULL, 'pending_payment', NULL, 'customer', '" + kCustomer + "', NULL),"
      " (" + order + ", 'pending_payment', 'placed', 'place', 'system', NULL, NULL),"
      " (" + order + ", 'placed', 'accepted', 'accept', 'admin', gen_random_uuid(), 'checked by phone');");

  migrate_orders(4);

  const std::string where = std::string(" FROM orders.orders WHERE id = ") + order;
  EXPECT_EQ(database.column("SELECT (l->>'line_no') || ' ' || (l->>'name') || ' ' || (l->>'unit_price') || 'x' ||"
                            " (l->>'quantity') || '=' || (l->>'line_total')"
                            " FROM orders.orders o, jsonb_array_elements(o.lines) l WHERE o.id = " + order),
            (std::vector<std::string>{"1 Margherita 950x2=1900", "2 Salade niçoise 720x1=720"}))
      << "in line order";
  EXPECT_EQ(database.column("SELECT coalesce(h->>'from_status', '-') || '>' || (h->>'to_status') || ' ' ||"
                            " (h->>'actor_kind') || ' ' || coalesce(h->>'reason', '-')"
                            " FROM orders.orders o, jsonb_array_elements(o.history) h WHERE o.id = " + order),
            (std::vector<std::string>{"->pending_payment customer -", "pending_payment>placed system -",
                                      "placed>accepted admin checked by phone"}))
      << "oldest first";
  EXPECT_EQ(database.value("SELECT history->0->>'actor_id'" + where), kCustomer);
  EXPECT_EQ(database.value("SELECT (history->-1->>'at')::timestamptz IS NOT NULL" + where), "t");
  EXPECT_EQ(database.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'orders'"
                           " AND tablename IN ('order_items', 'status_history')"),
            "0");

  migrate_orders(5);
  EXPECT_EQ(database.value("SELECT dropoff_lat || ',' || dropoff_lng || ' ' || pickup_lat || ',' || pickup_lng" + where),
            "48.85,2.35 48.86,2.34");
  EXPECT_EQ(database.value("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'orders'"
                           " AND table_name = 'orders' AND column_name IN ('dropoff', 'pickup')"),
            "0");
}

// order.created events written while they carried the card token lose it (and nothing else).
TEST_F(OrdersMigrations, CardTokensLeaveTheOutbox) {
  migrate_orders(5);
  database.exec(
      "INSERT INTO orders.outbox (id, name, version, payload) VALUES"
      " (gen_random_uuid(), 'order.created', 1, '{\"order_id\": \"a\", \"payment\": {\"method\": \"card\","
      " \"token\": \"tok_visa\"}}'),"
      " (gen_random_uuid(), 'order.created', 1, '{\"order_id\": \"b\", \"payment\": {\"method\": \"cash\","
      " \"token\": null}}'),"
      " (gen_random_uuid(), 'order.placed', 1, '{\"order_id\": \"c\"}')");
  migrate_orders(6);
  EXPECT_EQ(database.column("SELECT payload::text FROM orders.outbox ORDER BY seq"),
            (std::vector<std::string>{R"({"payment": {"method": "card"}, "order_id": "a"})",
                                      R"({"payment": {"method": "cash"}, "order_id": "b"})", R"({"order_id": "c"})"}));
}

}  // namespace
}  // namespace nelo::test
