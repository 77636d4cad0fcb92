#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>

#include "shared/events/schema_templates.hpp"
#include "shared/events/subscriptions.hpp"

namespace nelo::events {
namespace {

BatchHandler noop() {
  return one_at_a_time([](db::Transaction&, const Event&) -> boost::asio::awaitable<void> { co_return; });
}

TEST(Subscriptions, ListsSubscribersOfAnEventSorted) {
  Subscriptions s;
  s.add("notifications", "order.created", noop());
  s.add("deliveries", "order.created", noop());
  s.add("deliveries", "order.paid", noop());
  EXPECT_EQ(s.subscribers_of("order.created"), (std::vector<std::string>{"deliveries", "notifications"}));
  EXPECT_EQ(s.subscribers_of("order.paid"), (std::vector<std::string>{"deliveries"}));
  EXPECT_TRUE(s.subscribers_of("order.cancelled").empty());
  EXPECT_EQ(s.subscribers(), (std::vector<std::string>{"deliveries", "notifications"}));
  EXPECT_NE(s.find("deliveries", "order.paid"), nullptr);
  EXPECT_EQ(s.find("notifications", "order.paid"), nullptr);
}

TEST(Subscriptions, RejectsDuplicatesAndBadNames) {
  Subscriptions s;
  s.add("deliveries", "order.created", noop());
  EXPECT_THROW(s.add("deliveries", "order.created", noop()), std::invalid_argument);
  EXPECT_THROW(s.add("Deliveries", "order.created", noop()), std::invalid_argument);
  EXPECT_THROW(s.add("deliveries", "OrderCreated", noop()), std::invalid_argument);
  EXPECT_THROW(s.add("deliveries", "order.paid", one_at_a_time(Handler{})), std::invalid_argument);
  EXPECT_THROW(s.add("deliveries", "order.paid", BatchHandler{}), std::invalid_argument);
}

TEST(Subscriptions, AreFrozenOnceTheBusStarts) {
  Subscriptions s;
  s.freeze();
  EXPECT_THROW(s.add("deliveries", "order.created", noop()), std::logic_error);
}

TEST(SchemaTemplates, CreateOutboxDeliveriesAndInboxInTheModuleSchema) {
  const auto templates = schema_templates();
  ASSERT_EQ(templates.size(), 5u);
  const std::string sql(templates[0].sql);
  for (const char* table : {"{schema}.outbox (", "{schema}.outbox_deliveries (", "{schema}.inbox ("}) {
    EXPECT_NE(sql.find(std::string("CREATE TABLE ") + table), std::string::npos) << table;
  }
  EXPECT_NE(sql.find("PRIMARY KEY (event_id, subscriber)"), std::string::npos);
  for (const auto& t : templates) {
    // Nothing may name another schema: every qualified name uses the placeholder.
    EXPECT_EQ(std::string(t.sql).find("public."), std::string::npos) << t.name;
    EXPECT_TRUE(t.name.ends_with(".sql")) << t.name;
  }
  // Applied in name order, after the tables they change.
  for (std::size_t i = 1; i < templates.size(); ++i) EXPECT_LT(templates[i - 1].name, templates[i].name);
}

}  // namespace
}  // namespace nelo::events
