#include <gtest/gtest.h>

#include "shared/events/naming.hpp"
#include "shared/events/sql_template.hpp"

namespace nelo::events {
namespace {

TEST(EventNames, AcceptsEntityDotPastTense) {
  EXPECT_TRUE(is_valid_event_name("order.created"));
  EXPECT_TRUE(is_valid_event_name("delivery.picked_up"));
  EXPECT_TRUE(is_valid_event_name("payment.authorized"));
  EXPECT_TRUE(is_valid_event_name("user2fa.enabled"));
}

TEST(EventNames, RejectsEverythingElse) {
  for (const char* name : {"", "order", "order.", ".created", "order.created.again", "Order.created",
                           "order.Created", "order created", "order-created", "order._created", "order.created_",
                           "order.picked__up", "1order.created", "order.2created", "orders.created;drop"}) {
    EXPECT_FALSE(is_valid_event_name(name)) << name;
  }
  EXPECT_FALSE(is_valid_event_name(std::string(60, 'a') + "." + std::string(60, 'b')));
}

TEST(ModuleNames, AreBareSqlIdentifiers) {
  EXPECT_TRUE(is_valid_module_name("orders"));
  EXPECT_TRUE(is_valid_module_name("test_alpha2"));
  for (const char* name : {"", "Orders", "1orders", "or-ders", "orders;", "or ders", "\"orders\"", "orders.outbox"}) {
    EXPECT_FALSE(is_valid_module_name(name)) << name;
  }
  EXPECT_TRUE(is_valid_module_name(std::string(58, 'a')));
  EXPECT_FALSE(is_valid_module_name(std::string(59, 'a')));  // "nelo_" + 59 > 63 bytes
}

TEST(RenderSql, ReplacesEveryPlaceholder) {
  EXPECT_EQ(render_sql("SELECT 1 FROM {schema}.a JOIN {schema}.b ON true", "orders"),
            "SELECT 1 FROM orders.a JOIN orders.b ON true");
  EXPECT_EQ(render_sql("SELECT 1", "orders"), "SELECT 1");
}

TEST(RenderSql, RefusesANameThatIsNotAnIdentifier) {
  EXPECT_THROW(render_sql("SELECT 1 FROM {schema}.a", "orders; DROP TABLE x"), std::invalid_argument);
  EXPECT_THROW(render_sql("SELECT 1 FROM {schema}.a", ""), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::events
