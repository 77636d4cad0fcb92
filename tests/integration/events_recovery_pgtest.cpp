// Crashes, restarts and several instances: nothing committed is lost, nothing is handled twice.

#include <map>
#include <mutex>

#include "integration/events_fixture.hpp"

namespace nelo::events::test {
namespace {

TEST_F(EventsTest, CommittedBeforeACrash_IsDeliveredOnceByTheNextInstance) {
  constexpr int kEvents = 5;
  auto runs = std::make_shared<std::atomic<int>>(0);
  {
    // First "process": commits, and dies before its dispatcher ever ran.
    auto crashed = make_bus("crashed");
    crashed->subscribe("beta", "thing.created", recording_handler(runs));
    run([&]() -> asio::awaitable<void> {
      for (int i = 0; i < kEvents; ++i) co_await publish_thing(*crashed, "before crash " + std::to_string(i));
    }());
  }
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries WHERE status = 'pending'"), "5");

  auto restarted = make_bus("restarted");
  restarted->subscribe("beta", "thing.created", recording_handler(runs));
  run([&]() -> asio::awaitable<void> {
    restarted->start();
    co_await until_delivered(kEvents, "backlog delivered after restart");
    co_await pause(200ms);
    co_await restarted->stop();
  }());
  EXPECT_EQ(runs->load(), kEvents);
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "5");
  EXPECT_EQ(db_.value("SELECT count(DISTINCT event_id) FROM beta.things"), "5");
}

TEST_F(EventsTest, ExpiredLeaseOfACrashedInstance_IsTakenOver_AnUnexpiredOneIsNot) {
  auto bus = make_bus("survivor");
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::string held, expired;
  run([&]() -> asio::awaitable<void> {
    held = co_await publish_thing(*bus, "held");
    expired = co_await publish_thing(*bus, "expired");
    // Another instance claimed both, then crashed; one lease is still running, one has run out.
    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET lease_owner = 'crashed', lease_until = CASE event_id "
        "WHEN $1::uuid THEN now() + interval '1 hour' ELSE now() - interval '1 second' END",
        db::params(held));

    bus->start();
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(expired, "beta") == "delivered"; },
        "expired lease taken over");
    co_await pause(300ms);  // several polls
    EXPECT_EQ(co_await scalar("SELECT status || ':' || lease_owner FROM alpha.outbox_deliveries WHERE event_id = $1",
                              db::params(held)),
              "pending:crashed");
    EXPECT_EQ(runs->load(), 1);

    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET lease_until = now() - interval '1 millisecond' WHERE event_id = $1",
        db::params(held));
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(held, "beta") == "delivered"; },
        "lease taken over once expired");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 2);
}

TEST_F(EventsTest, CrashAfterTheSubscriberCommittedButBeforeTheAck_IsAcknowledgedWithoutRerunningTheHandler) {
  auto bus = make_bus("survivor");
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::string id;
  run([&]() -> asio::awaitable<void> {
    id = co_await publish_thing(*bus, "half done");
    // What the crashed instance left: beta's transaction committed (inbox + effect), the delivery
    // still pending under its expired lease.
    co_await pool_->execute_as_owner(
        "WITH i AS (INSERT INTO beta.inbox (event_id, publisher, name) VALUES ($1, 'alpha', 'thing.created')) "
        "INSERT INTO beta.things (event_id, note) VALUES ($1, 'by the crashed instance')",
        db::params(id));
    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET lease_owner = 'crashed', lease_until = now() - interval '1 second', "
        "attempts = 0 WHERE event_id = $1",
        db::params(id));
    bus->start();
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "beta") == "delivered"; },
        "acknowledged");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 0);
  EXPECT_EQ(db_.value("SELECT note FROM beta.things WHERE event_id = '" + id + "'"), "by the crashed instance");
}

TEST_F(EventsTest, Stop_WaitsForTheHandlerInFlight_ThenClaimsNothingMore) {
  auto bus = make_bus();
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  bus->subscribe("beta", "thing.created", [started, finished](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
    started->store(true);
    co_await pause(400ms);
    db::Params values = db::params(e.id);
    co_await tx.execute("INSERT INTO beta.things (event_id) VALUES ($1)", values);
    finished->store(true);
  });
  std::string first, after_stop, after_stop_status;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    first = co_await publish_thing(*bus, "in flight");
    co_await eventually([&]() -> asio::awaitable<bool> { co_return started->load(); }, "handler started");
    co_await bus->stop();
    EXPECT_TRUE(finished->load()) << "stop() returned before the handler in flight finished";
    EXPECT_EQ(co_await delivery_status(first, "beta"), "delivered");

    after_stop = co_await publish_thing(*bus, "after stop");
    co_await pause(300ms);
    after_stop_status = co_await delivery_status(after_stop, "beta");
  }());
  EXPECT_EQ(after_stop_status, "pending");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things"), "1");
}

TEST_F(EventsTest, Stop_IsBoundedByStopTimeout_AndLeavesTheLeaseToExpire) {
  auto options = fast_options("slow");
  options.stop_timeout = 200ms;
  auto bus = make_bus(options);
  auto started = std::make_shared<std::atomic<bool>>(false);
  bus->subscribe("beta", "thing.created", [started](db::Transaction&, const Event&) -> asio::awaitable<void> {
    started->store(true);
    co_await pause(1500ms);
  });
  std::chrono::steady_clock::duration stop_took{};
  run([&]() -> asio::awaitable<void> {
    bus->start();
    co_await publish_thing(*bus, "slow");
    co_await eventually([&]() -> asio::awaitable<bool> { co_return started->load(); }, "handler started");
    const auto t0 = std::chrono::steady_clock::now();
    co_await bus->stop();
    stop_took = std::chrono::steady_clock::now() - t0;
  }());
  EXPECT_LT(stop_took, 1000ms);
  EXPECT_GE(stop_took, 150ms);
}

TEST_F(EventsTest, TwoInstancesDispatchingConcurrently_DeliverEveryEventOncePerSubscriber) {
  constexpr int kEvents = 200;
  constexpr int kPublishers = 4;
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, int> runs;  // (subscriber, event id) -> handler runs
  std::map<std::string, int> by_instance;
  auto handler = [&](std::string instance) -> Handler {
    return [&, instance](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
      {
        std::lock_guard lock(mutex);
        ++runs[{tx.module(), e.id}];
        ++by_instance[instance];
      }
      db::Params values = db::params(e.id);
      co_await tx.execute("INSERT INTO " + tx.module() + ".things (event_id) VALUES ($1)", values);
    };
  };
  std::vector<std::unique_ptr<OutboxEventBus>> buses;
  for (const char* instance : {"one", "two"}) {
    auto options = fast_options(instance);
    options.batch_size = 10;  // many small claims, so the two instances interleave
    buses.push_back(make_bus(options, &other_pool()));
    buses.back()->subscribe("beta", "thing.created", handler(instance));
    buses.back()->subscribe("gamma", "thing.created", handler(instance));
  }

  publish_while_dispatching(buses, kEvents, kPublishers, /*streaming=*/false);

  std::lock_guard lock(mutex);
  EXPECT_EQ(runs.size(), 2u * kEvents);
  int repeated = 0;
  for (const auto& [key, n] : runs) repeated += n != 1;
  EXPECT_EQ(repeated, 0) << "handlers that ran more than once";
  EXPECT_GT(by_instance["one"], 0);
  EXPECT_GT(by_instance["two"], 0);
  for (const char* s : {"beta", "gamma"}) {
    EXPECT_EQ(db_.value(std::string("SELECT count(*) FROM ") + s + ".inbox"), std::to_string(kEvents));
    EXPECT_EQ(db_.value(std::string("SELECT count(DISTINCT event_id) FROM ") + s + ".things"), std::to_string(kEvents));
  }
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries WHERE attempts <> 1 OR lease_owner IS NOT NULL"),
            "0");
}

}  // namespace
}  // namespace nelo::events::test
