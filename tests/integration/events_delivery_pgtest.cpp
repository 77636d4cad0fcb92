// The happy path of the outbox bus: what publish() writes, that a commit (and only a commit)
// delivers, once per subscriber, in the subscriber's own transaction and role, in order.

#include <mutex>

#include "core/db/errors.hpp"
#include "core/uuid.hpp"
#include "integration/events_fixture.hpp"

namespace nelo::events::test {
namespace {

TEST_F(EventsTest, PublishAndCommit_RunsEachSubscriberOnceAndRecordsItsInbox) {
  auto bus = make_bus();
  auto beta_runs = std::make_shared<std::atomic<int>>(0);
  auto gamma_runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(beta_runs));
  bus->subscribe("gamma", "thing.created", recording_handler(gamma_runs));

  std::string id;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    id = co_await publish_thing(*bus, "first");
    co_await until_delivered(2, "both deliveries delivered");
    co_await pause(200ms);  // a second delivery would show up here
    co_await bus->stop();
  }());

  EXPECT_EQ(beta_runs->load(), 1);
  EXPECT_EQ(gamma_runs->load(), 1);
  for (const char* s : {"beta", "gamma"}) {
    EXPECT_EQ(db_.value(std::string("SELECT count(*) FROM ") + s + ".inbox WHERE event_id = '" + id +
                        "' AND publisher = 'alpha' AND name = 'thing.created'"),
              "1")
        << s;
    EXPECT_EQ(db_.value(std::string("SELECT count(*) FROM ") + s + ".things WHERE event_id = '" + id + "'"), "1") << s;
  }
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox WHERE id = '" + id +
                      "' AND name = 'thing.created' AND version = 1 AND payload->>'note' = 'first'"),
            "1");
  EXPECT_EQ(db_.value("SELECT string_agg(subscriber || ':' || attempts || ':' || (delivered_at IS NOT NULL) || ':' || "
                      "(lease_owner IS NULL), ',' ORDER BY subscriber) FROM alpha.outbox_deliveries"),
            "beta:1:true:true,gamma:1:true:true");
  // The publisher itself did not subscribe: its inbox stays empty.
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.inbox"), "0");
}

TEST_F(EventsTest, HandlerReceivesTheWholeEnvelope) {
  auto bus = make_bus();
  std::mutex mutex;
  std::optional<Event> seen;
  bus->subscribe("beta", "thing.created", [&](db::Transaction&, const Event& e) -> asio::awaitable<void> {
    std::lock_guard lock(mutex);
    seen = e;
    co_return;
  });
  std::string id;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    id = co_await publish_thing(*bus, "envelope");
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "beta") == "delivered"; },
        "delivered");
    co_await bus->stop();
  }());
  std::lock_guard lock(mutex);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->id, id);
  EXPECT_TRUE(is_uuid(seen->id));
  EXPECT_EQ(seen->name, "thing.created");
  EXPECT_EQ(seen->version, 1);
  EXPECT_EQ(seen->publisher, "alpha");
  EXPECT_EQ(json::serialize(seen->payload), R"({"note":"envelope"})");
  const auto age = std::chrono::system_clock::now() - seen->occurred_at;
  EXPECT_GT(age, -5s);
  EXPECT_LT(age, 60s);
}

TEST_F(EventsTest, Rollback_LeavesNoEventAndDeliversNothing) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  run([&]() -> asio::awaitable<void> {
    bus->start();
    co_await publish_thing(*bus, "rolled back", /*commit=*/false);
    // An abandoned transaction (destroyed without commit) rolls back too.
    {
      auto tx = co_await pool_->begin("alpha");
      co_await bus->publish(tx, "thing.created", 1, json::object{});
    }
    co_await pause(300ms);
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 0);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox"), "0");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.things"), "0");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "0");
}

TEST_F(EventsTest, EventWithoutSubscriber_IsRecordedAndLeavesNothingPending) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::string id;
  run([&]() -> asio::awaitable<void> {
    id = co_await publish_thing(*bus, "nobody listens", true, "thing.archived");
  }());
  EXPECT_EQ(db_.value("SELECT name FROM alpha.outbox WHERE id = '" + id + "'"), "thing.archived");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
  auto stats = run(bus->stats());
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].publisher, "alpha");
  EXPECT_EQ(stats[0].pending, 0);
  EXPECT_EQ(stats[0].dead, 0);
}

// Claim queries the dispatcher ran on alpha's outbox, read from the Prometheus exposition.
double alpha_claims(const metrics::Registry& registry) {
  const std::string series = "nelo_outbox_claims_total{publisher=\"alpha\"} ";
  const std::string text = registry.render();
  const auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
}

TEST_F(EventsTest, OnlyAnEventWithSubscribers_WakesTheDispatcher) {
  auto options = fast_options("wake");
  options.poll_interval = std::chrono::hours(1);  // only wake-ups claim after the first round
  auto bus = make_bus(options);
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  double after_start = 0;
  double after_unsubscribed = 0;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    co_await eventually([&]() -> asio::awaitable<bool> { co_return alpha_claims(registry_) >= 1; },
                        "the first round (restart recovery) claims alpha");
    after_start = alpha_claims(registry_);
    for (int i = 0; i < 10; ++i) co_await publish_thing(*bus, "nobody listens", true, "thing.archived");
    co_await pause(200ms);  // a wake-up would have claimed by now
    after_unsubscribed = alpha_claims(registry_);
    co_await publish_thing(*bus, "beta listens");
    co_await eventually([&]() -> asio::awaitable<bool> { co_return runs->load() == 1; }, "beta handled it");
    co_await bus->stop();
  }());
  EXPECT_EQ(after_start, 1);
  EXPECT_EQ(after_unsubscribed, after_start);
  EXPECT_GT(alpha_claims(registry_), after_unsubscribed);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox WHERE name = 'thing.archived'"), "10");
}

TEST_F(EventsTest, Deliveries_FollowPublishOrderPerSubscriber) {
  auto options = fast_options("ordered");
  options.batch_size = 7;  // several claim rounds
  auto bus = make_bus(options);
  std::mutex mutex;
  std::vector<std::string> order;
  bus->subscribe("beta", "thing.created", [&](db::Transaction&, const Event& e) -> asio::awaitable<void> {
    std::lock_guard lock(mutex);
    order.push_back(e.payload.at("note").as_string().c_str());
    co_return;
  });
  constexpr int kEvents = 40;
  // The whole backlog is claimed in rounds of 7.
  const std::vector<std::string> published = deliver_backlog(*bus, kEvents);
  std::lock_guard lock(mutex);
  EXPECT_EQ(order, published);
}

TEST_F(EventsTest, SubscriberHandler_RunsAsTheSubscriberRole_AndCannotWriteThePublisherSchema) {
  auto bus = make_bus();
  std::mutex mutex;
  std::string sqlstate;
  std::string role;
  bus->subscribe("beta", "thing.created", [&](db::Transaction& tx, const Event&) -> asio::awaitable<void> {
    auto who = co_await tx.execute("SELECT current_user");
    {
      std::lock_guard lock(mutex);
      role = std::string(who.front().text(0));
    }
    try {
      co_await tx.execute("INSERT INTO alpha.things (note) VALUES ('written by beta')");
    } catch (const db::DatabaseError& e) {
      std::lock_guard lock(mutex);
      sqlstate = e.sqlstate();
    }
    // The failed statement aborted the transaction: rethrowing is all the handler can do.
    throw std::runtime_error("beta may not write alpha");
  });
  std::string id;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    id = co_await publish_thing(*bus, "guarded");
    co_await eventually(
        [&]() -> asio::awaitable<bool> {
          co_return co_await count("SELECT attempts FROM alpha.outbox_deliveries WHERE event_id = $1",
                                   db::params(id)) >= 1;
        },
        "a failed attempt recorded");
    co_await bus->stop();
  }());
  std::lock_guard lock(mutex);
  EXPECT_EQ(role, "nelo_beta");
  EXPECT_EQ(sqlstate, "42501");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.things WHERE note = 'written by beta'"), "0");
  // Its inbox row rolled back with it: the event will be handled again on retry.
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "0");
  EXPECT_EQ(db_.value("SELECT last_error FROM alpha.outbox_deliveries WHERE event_id = '" + id + "'"),
            "beta may not write alpha");
}

TEST_F(EventsTest, DuplicateDelivery_DoesNotRunTheHandlerTwice) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::string id;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    id = co_await publish_thing(*bus, "once");
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "beta") == "delivered"; },
        "first delivery");
    // As if the acknowledgement had been lost: the delivery is pending again.
    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET status = 'pending', delivered_at = NULL, next_attempt_at = now() "
        "WHERE event_id = $1",
        db::params(id));
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "beta") == "delivered"; },
        "redelivery acknowledged");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 1);
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things WHERE event_id = '" + id + "'"), "1");
  EXPECT_EQ(db_.value("SELECT attempts FROM alpha.outbox_deliveries WHERE event_id = '" + id + "'"), "2");
}

TEST_F(EventsTest, ContractViolations_AreRejectedAtOnce) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  EXPECT_THROW(bus->subscribe("omega", "thing.created", recording_handler(runs)), std::invalid_argument);
  EXPECT_THROW(bus->subscribe("beta", "ThingCreated", recording_handler(runs)), std::invalid_argument);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  EXPECT_THROW(bus->subscribe("beta", "thing.created", recording_handler(runs)), std::invalid_argument);

  run([&]() -> asio::awaitable<void> {
    auto tx = co_await pool_->begin("alpha");
    EXPECT_THROW(co_await bus->publish(tx, "thing created", 1, json::object()), std::invalid_argument);
    EXPECT_THROW(co_await bus->publish(tx, "thing.created", 0, json::object()), std::invalid_argument);
  }());
  // A module the bus was not told about cannot publish (its outbox would never be polled).
  {
    auto small = std::make_unique<OutboxEventBus>(*pool_, io_.get_executor(), fast_options("small"), registry_,
                                                  std::vector<std::string>{"beta", "gamma"});
    run([&]() -> asio::awaitable<void> {
      auto tx = co_await pool_->begin("alpha");
      EXPECT_THROW(co_await small->publish(tx, "thing.created", 1, json::object()), std::logic_error);
    }());
  }
  EXPECT_THROW(OutboxEventBus(*pool_, io_.get_executor(), fast_options("x"), registry_, {"alpha", "Bad-Name"}),
               std::invalid_argument);
  EXPECT_THROW(OutboxEventBus(*pool_, io_.get_executor(), fast_options("x"), registry_, {"alpha", "alpha"}),
               std::invalid_argument);

  run([&]() -> asio::awaitable<void> {
    bus->start();
    co_await bus->stop();
  }());
  EXPECT_THROW(bus->subscribe("gamma", "thing.created", recording_handler(runs)), std::logic_error);
  EXPECT_THROW(bus->start(), std::logic_error);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox"), "0");
}

}  // namespace
}  // namespace nelo::events::test
