// The admin routes, called through the Router as the server would after authentication: thin
// handlers that parse, call the bus and serialize; typed errors for bad input.

#include "core/errors.hpp"
#include "core/http/router.hpp"
#include "integration/events_fixture.hpp"
#include "shared/events/admin_routes.hpp"

namespace nelo::events::test {
namespace {

class EventsAdminRoutesTest : public EventsTest {
 protected:
  void SetUp() override {
    EventsTest::SetUp();
    bus_ = make_bus();
    register_event_admin_routes(router_, *bus_);
  }

  // Two dead deliveries of one alpha event (beta and gamma) and one pending.
  void seed() {
    run([&]() -> asio::awaitable<void> {
      dead_id_ = co_await publish_thing(*bus_, "dead one", true, "thing.created");
      pending_id_ = co_await publish_thing(*bus_, "pending one", true, "thing.created");
    }());
    db_.exec("INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq, status, attempts, last_error) "
             "SELECT id, s, seq, 'dead', 3, 'boom' FROM alpha.outbox CROSS JOIN unnest(ARRAY['beta', 'gamma']) s "
             "WHERE id = '" + dead_id_ + "';"
             "INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq) "
             "SELECT id, 'beta', seq FROM alpha.outbox WHERE id = '" + pending_id_ + "'");
  }

  http::Response call(const std::string& method, const std::string& path,
                      std::vector<std::pair<std::string, std::string>> query = {}) {
    auto match = router_.match(method, path);
    if (match.route == nullptr) throw std::runtime_error("no route for " + method + " " + path);
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.query_params = std::move(query);
    request.path_params = match.params;
    request.route_template = match.route->path;
    request.principal = Principal{"00000000-0000-4000-8000-0000000000ad", {"admin"}, "token-id", ""};
    return run(match.route->handler(request));
  }

  static json::value body(const http::Response& response) { return json::parse(response.body); }

  std::unique_ptr<OutboxEventBus> bus_;
  http::Router router_;
  std::string dead_id_, pending_id_;
};

TEST_F(EventsAdminRoutesTest, AreAdminOnlyAndDocumented) {
  ASSERT_EQ(router_.routes().size(), 3u);
  for (const auto& route : router_.routes()) {
    EXPECT_EQ(route.policy.kind(), http::Policy::Kind::Roles) << route.path;
    EXPECT_EQ(route.policy.allowed_roles(), std::vector<std::string>{"admin"}) << route.path;
    EXPECT_EQ(route.module, "events");
    EXPECT_FALSE(route.doc.summary.empty()) << route.path;
    ASSERT_FALSE(route.doc.responses.empty()) << route.path;
    EXPECT_TRUE(route.doc.responses.front().schema.is_object()) << route.path;
  }
}

TEST_F(EventsAdminRoutesTest, DeadList_ReturnsItemsAndACursorToTheNextPage) {
  seed();
  auto first = call("GET", "/api/v1/admin/events/dead", {{"limit", "1"}});
  EXPECT_EQ(first.status, 200);
  auto page = body(first).as_object();
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  const auto& item = page.at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("publisher").as_string(), "alpha");
  EXPECT_EQ(item.at("event_id").as_string(), dead_id_);
  EXPECT_EQ(item.at("event_name").as_string(), "thing.created");
  EXPECT_EQ(item.at("subscriber").as_string(), "beta");
  EXPECT_EQ(item.at("attempts").as_int64(), 3);
  EXPECT_EQ(item.at("last_error").as_string(), "boom");
  EXPECT_EQ(item.at("payload").at("note").as_string(), "dead one");
  EXPECT_TRUE(item.at("created_at").is_string());
  EXPECT_TRUE(item.at("occurred_at").is_string());
  EXPECT_EQ(item.at("created_at").as_string().size(), 24u) << "RFC 3339 with milliseconds, like every API timestamp";
  EXPECT_EQ(item.at("occurred_at").as_string().size(), 24u);
  ASSERT_TRUE(page.at("next_cursor").is_string());

  auto second = body(call("GET", "/api/v1/admin/events/dead",
                          {{"limit", "1"}, {"cursor", std::string(page.at("next_cursor").as_string())}}))
                    .as_object();
  ASSERT_EQ(second.at("items").as_array().size(), 1u);
  EXPECT_EQ(second.at("items").as_array()[0].at("subscriber").as_string(), "gamma");
  EXPECT_TRUE(second.at("next_cursor").is_null());

  // Default page size covers both; the pending delivery is never listed.
  auto all = body(call("GET", "/api/v1/admin/events/dead")).as_object();
  EXPECT_EQ(all.at("items").as_array().size(), 2u);
}

TEST_F(EventsAdminRoutesTest, DeadList_RejectsBadLimitAndCursor) {
  for (const char* limit : {"0", "101", "abc", "-1", "1.5", ""}) {
    EXPECT_THROW(call("GET", "/api/v1/admin/events/dead", {{"limit", limit}}), ValidationError) << limit;
  }
  try {
    call("GET", "/api/v1/admin/events/dead", {{"cursor", "not-a-cursor"}});
    ADD_FAILURE() << "a forged cursor was accepted";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "cursor");
  }
}

TEST_F(EventsAdminRoutesTest, Replay_Answers202AndPutsTheDeliveryBackInLine) {
  seed();
  auto response = call("POST", "/api/v1/admin/events/dead/alpha/" + dead_id_ + "/gamma/replay");
  EXPECT_EQ(response.status, 202);
  auto b = body(response).as_object();
  EXPECT_EQ(b.at("status").as_string(), "pending");
  EXPECT_EQ(b.at("event_id").as_string(), dead_id_);
  EXPECT_EQ(db_.value("SELECT status || ':' || attempts FROM alpha.outbox_deliveries WHERE event_id = '" + dead_id_ +
                      "' AND subscriber = 'gamma'"),
            "pending:0");
  EXPECT_EQ(db_.value("SELECT status FROM alpha.outbox_deliveries WHERE event_id = '" + dead_id_ +
                      "' AND subscriber = 'beta'"),
            "dead");
  // Not dead any more: a second replay is a 404.
  EXPECT_THROW(call("POST", "/api/v1/admin/events/dead/alpha/" + dead_id_ + "/gamma/replay"), NotFound);
}

TEST_F(EventsAdminRoutesTest, Replay_404sAnUnknownPublisherOrDelivery_422sAMalformedId) {
  seed();
  EXPECT_THROW(call("POST", "/api/v1/admin/events/dead/omega/" + dead_id_ + "/beta/replay"), NotFound);
  EXPECT_THROW(call("POST", "/api/v1/admin/events/dead/alpha/" + pending_id_ + "/beta/replay"), NotFound);
  EXPECT_THROW(call("POST", "/api/v1/admin/events/dead/alpha/" + dead_id_ + "/omega/replay"), NotFound);
  try {
    call("POST", "/api/v1/admin/events/dead/alpha/12345/beta/replay");
    ADD_FAILURE() << "a malformed event id was accepted";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "event_id");
  }
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries WHERE status = 'dead'"), "2");
}

TEST_F(EventsAdminRoutesTest, Stats_ReportsBacklogPerPublisher) {
  seed();
  auto response = call("GET", "/api/v1/admin/events/stats");
  EXPECT_EQ(response.status, 200);
  auto publishers = body(response).at("publishers").as_array();
  ASSERT_EQ(publishers.size(), 3u);
  EXPECT_EQ(publishers[0].at("publisher").as_string(), "alpha");
  EXPECT_EQ(publishers[0].at("pending").as_int64(), 1);
  EXPECT_EQ(publishers[0].at("dead").as_int64(), 2);
  EXPECT_GE(publishers[0].at("oldest_pending_seconds").as_double(), 0.0);
  EXPECT_EQ(publishers[2].at("publisher").as_string(), "gamma");
  EXPECT_EQ(publishers[2].at("pending").as_int64(), 0);
}

}  // namespace
}  // namespace nelo::events::test
