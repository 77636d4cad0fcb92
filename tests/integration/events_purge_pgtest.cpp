// Retention and observability: purge deletes only what can no longer be needed; the backlog
// gauges come from the database at scrape time.

#include "integration/events_fixture.hpp"

namespace nelo::events::test {
namespace {

// (subscriber, status, how long ago it was delivered: "" unless delivered)
using Deliveries = std::vector<std::tuple<std::string, std::string, std::string>>;

// One event in alpha.outbox, `age` old, with the given deliveries, written directly so every
// state and age is exact.
asio::awaitable<std::string> seed_event(db::Pool& pool, std::string age, Deliveries deliveries) {
  auto id = std::string((co_await pool.execute_as_owner(
                             "INSERT INTO alpha.outbox (id, name, version, payload, occurred_at) "
                             "VALUES (gen_random_uuid(), 'thing.created', 1, '{}', now() - $1::interval) RETURNING id",
                             db::params(age)))
                            .front()
                            .text(0));
  for (const auto& [subscriber, status, delivered_age] : deliveries) {
    std::optional<std::string> delivered = delivered_age.empty() ? std::nullopt : std::optional(delivered_age);
    db::Params values = db::params(id, subscriber, status, delivered);
    co_await pool.execute_as_owner(
        "INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq, status, delivered_at, next_attempt_at) "
        "SELECT $1, $2, seq, $3, now() - $4::interval, now() + interval '1 hour' "
        "FROM alpha.outbox WHERE id = $1",
        values);
  }
  co_return id;
}

TEST_F(EventsTest, Purge_RemovesDeliveredRowsPastRetention_AndKeepsEverythingStillNeeded) {
  auto options = fast_options("purger");
  options.retention = std::chrono::hours(1);
  options.purge_batch = 1;  // forces several bounded DELETEs per table
  auto bus = make_bus(options);
  std::string all_delivered, one_dead, pending, recently_delivered, no_subscriber_old, no_subscriber_new;
  PurgeReport report;
  run([&]() -> asio::awaitable<void> {
    auto& p = *pool_;
    // Named first: GCC 12 mishandles braced initializer lists inside co_await expressions.
    Deliveries both_delivered{{"beta", "delivered", "2 hours"}, {"gamma", "delivered", "90 minutes"}};
    Deliveries delivered_and_dead{{"beta", "delivered", "2 hours"}, {"gamma", "dead", ""}};
    Deliveries still_pending{{"beta", "pending", ""}};
    Deliveries delivered_lately{{"beta", "delivered", "5 minutes"}};
    all_delivered = co_await seed_event(p, "2 hours", both_delivered);
    one_dead = co_await seed_event(p, "2 hours", delivered_and_dead);
    pending = co_await seed_event(p, "3 hours", still_pending);
    recently_delivered = co_await seed_event(p, "2 hours", delivered_lately);
    no_subscriber_old = co_await seed_event(p, "2 hours", Deliveries());
    no_subscriber_new = co_await seed_event(p, "10 minutes", Deliveries());
    // Inbox rows are kept for twice the retention.
    co_await p.execute_as_owner(
        "INSERT INTO beta.inbox (event_id, publisher, name, received_at) VALUES "
        "(gen_random_uuid(), 'alpha', 'thing.created', now() - interval '3 hours'), "
        "(gen_random_uuid(), 'alpha', 'thing.created', now() - interval '150 minutes'), "
        "(gen_random_uuid(), 'alpha', 'thing.created', now() - interval '90 minutes'), "
        "(gen_random_uuid(), 'alpha', 'thing.created', now())");
    report = co_await bus->purge();
  }());

  EXPECT_EQ(report.deliveries, 3);  // all_delivered x2, one_dead/beta
  EXPECT_EQ(report.events, 2);      // all_delivered, no_subscriber_old
  EXPECT_EQ(report.inbox, 2);       // 3 h and 150 min
  auto events = db_.column("SELECT id FROM alpha.outbox ORDER BY seq");
  EXPECT_EQ(events, (std::vector<std::string>{one_dead, pending, recently_delivered, no_subscriber_new}));
  EXPECT_EQ(db_.value("SELECT string_agg(subscriber || ':' || status, ',' ORDER BY seq, subscriber) "
                      "FROM alpha.outbox_deliveries"),
            "gamma:dead,beta:pending,beta:delivered");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "2");

  // A second pass finds nothing more.
  auto again = run(bus->purge());
  EXPECT_EQ(again.deliveries + again.events + again.inbox, 0);
}

TEST_F(EventsTest, Purge_RunsPeriodicallyOnceStarted) {
  auto options = fast_options("purger");
  options.retention = 1s;
  options.purge_interval = 100ms;
  auto bus = make_bus(options);
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  run([&]() -> asio::awaitable<void> {
    bus->start();
    co_await publish_thing(*bus, "short-lived");
    co_await eventually(
        [&]() -> asio::awaitable<bool> {
          const auto events = co_await count("SELECT count(*) FROM alpha.outbox");
          const auto inbox = co_await count("SELECT count(*) FROM beta.inbox");
          co_return events == 0 && inbox == 0;
        },
        "event, delivery and inbox row purged");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 1);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
  // The subscriber's own effect is not the bus's to purge.
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things"), "1");
}

TEST_F(EventsTest, Metrics_ExportBacklogGaugesPerPublisherAtScrapeTime) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::string text;
  std::vector<PublisherStats> stats;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) co_await publish_thing(*bus, "backlog");
    Deliveries dead{{"gamma", "dead", ""}};
    co_await seed_event(*pool_, "1 minute", dead);
    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET created_at = now() - interval '42 seconds' WHERE status = 'pending'");
    text = co_await registry_.scrape();
    stats = co_await bus->stats();
  }());
  EXPECT_NE(text.find(R"(nelo_outbox_pending{publisher="alpha"} 3)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(nelo_outbox_dead{publisher="alpha"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(nelo_outbox_pending{publisher="beta"} 0)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(nelo_outbox_lag_seconds{publisher="gamma"} 0)"), std::string::npos) << text;
  const std::string lag_prefix = R"(nelo_outbox_lag_seconds{publisher="alpha"} )";
  const auto at = text.find(lag_prefix);
  ASSERT_NE(at, std::string::npos) << text;
  const double lag = std::stod(text.substr(at + lag_prefix.size()));
  EXPECT_GE(lag, 42.0);
  EXPECT_LT(lag, 100.0);
  EXPECT_NE(text.find("# TYPE nelo_outbox_delivered_total counter"), std::string::npos) << text;

  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].publisher, "alpha");
  EXPECT_EQ(stats[0].pending, 3);
  EXPECT_EQ(stats[0].dead, 1);
  EXPECT_GE(stats[0].oldest_pending_seconds, 42.0);
  EXPECT_EQ(stats[1].publisher, "beta");
  EXPECT_EQ(stats[1].pending, 0);
}

}  // namespace
}  // namespace nelo::events::test
