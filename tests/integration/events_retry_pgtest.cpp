// Unhappy paths: a failing subscriber is retried with backoff, parked as dead, listed and
// replayed, while the other subscriber and the publisher's own state are unaffected.

#include <set>

#include "core/errors.hpp"
#include "integration/events_fixture.hpp"

namespace nelo::events::test {
namespace {

// A subscriber that fails while `failing` is set.
Handler flaky_handler(std::shared_ptr<std::atomic<bool>> failing, std::shared_ptr<std::atomic<int>> runs) {
  return [failing, runs](db::Transaction& tx, const Event& event) -> asio::awaitable<void> {
    runs->fetch_add(1);
    db::Params values = db::params(event.id, event.name);
    co_await tx.execute("INSERT INTO " + tx.module() + ".things (event_id, note) VALUES ($1, $2)", values);
    // Thrown after writing: the write must roll back with the inbox row.
    if (failing->load()) throw std::runtime_error("gamma is down (\xff not utf-8)");
  };
}

TEST_F(EventsTest, FailingSubscriber_IsRetriedWithBackoff_ParkedAsDead_AndReplayed) {
  auto options = fast_options("retrying");
  options.max_attempts = 3;
  // Long enough that each failed state can be observed whatever the machine's load; the test
  // then makes the retry due at once instead of waiting for it.
  options.retry_base = 10s;
  options.retry_cap = std::chrono::hours(1);
  auto bus = make_bus(options);
  auto beta_runs = std::make_shared<std::atomic<int>>(0);
  auto gamma_runs = std::make_shared<std::atomic<int>>(0);
  auto failing = std::make_shared<std::atomic<bool>>(true);
  bus->subscribe("beta", "thing.created", recording_handler(beta_runs));
  bus->subscribe("gamma", "thing.created", flaky_handler(failing, gamma_runs));

  std::string id;
  std::vector<double> gaps_ms;  // next_attempt_at - last_attempt_at after each retryable failure
  DeadPage dead;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    id = co_await publish_thing(*bus, "payload");
    const std::string gap_sql =
        "SELECT EXTRACT(EPOCH FROM next_attempt_at - last_attempt_at) * 1000 FROM alpha.outbox_deliveries "
        "WHERE event_id = $1 AND subscriber = 'gamma' AND status = 'pending' AND attempts = $2 "
        "AND next_attempt_at > now()";
    for (std::int64_t attempt = 1; attempt <= 2; ++attempt) {
      std::string gap;
      co_await eventually(
          [&]() -> asio::awaitable<bool> {
            gap = co_await scalar(gap_sql, db::params(id, attempt));
            co_return !gap.empty();
          },
          "failed attempt " + std::to_string(attempt) + " scheduled in the future");
      gaps_ms.push_back(gap.empty() ? 0.0 : std::stod(gap));
      co_await pool_->execute_as_owner(
          "UPDATE alpha.outbox_deliveries SET next_attempt_at = now() WHERE event_id = $1 AND subscriber = 'gamma'",
          db::params(id));
    }
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "gamma") == "dead"; }, "dead");
    dead = co_await bus->list_dead(10, std::nullopt);
    co_await pool_->execute_as_owner(  // even if due, a dead delivery is never attempted again
        "UPDATE alpha.outbox_deliveries SET next_attempt_at = now() WHERE event_id = $1", db::params(id));
    co_await pause(300ms);
    EXPECT_EQ(gamma_runs->load(), 3);

    failing->store(false);
    co_await bus->replay("alpha", id, "gamma");
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(id, "gamma") == "delivered"; },
        "replayed delivery delivered");
    co_await bus->stop();
  }());

  // Backoff: base * 2^(n-1), jittered into [half, full].
  ASSERT_EQ(gaps_ms.size(), 2u);
  EXPECT_GE(gaps_ms[0], 5000 - 1);
  EXPECT_LE(gaps_ms[0], 10000 + 1);
  EXPECT_GE(gaps_ms[1], 10000 - 1);
  EXPECT_LE(gaps_ms[1], 20000 + 1);

  ASSERT_EQ(dead.items.size(), 1u);
  const auto& d = dead.items[0];
  EXPECT_EQ(d.publisher, "alpha");
  EXPECT_EQ(d.event_id, id);
  EXPECT_EQ(d.event_name, "thing.created");
  EXPECT_EQ(d.subscriber, "gamma");
  EXPECT_EQ(d.attempts, 3);
  EXPECT_EQ(d.last_error, "gamma is down (? not utf-8)");
  EXPECT_EQ(json::serialize(d.payload), R"({"note":"payload"})");
  EXPECT_TRUE(d.last_attempt_at.has_value());
  EXPECT_FALSE(dead.next_cursor.has_value());

  // The replay ran the handler once more, successfully; failed attempts left nothing behind.
  EXPECT_EQ(gamma_runs->load(), 4);
  EXPECT_EQ(db_.value("SELECT count(*) FROM gamma.things WHERE event_id = '" + id + "'"), "1");
  EXPECT_EQ(db_.value("SELECT count(*) FROM gamma.inbox WHERE event_id = '" + id + "'"), "1");
  EXPECT_EQ(db_.value("SELECT attempts || ':' || (last_error IS NULL) FROM alpha.outbox_deliveries "
                      "WHERE event_id = '" + id + "' AND subscriber = 'gamma'"),
            "1:true");
  // The healthy subscriber got it exactly once, unaffected by its neighbour.
  EXPECT_EQ(beta_runs->load(), 1);
  EXPECT_EQ(db_.value("SELECT status || ':' || attempts FROM alpha.outbox_deliveries "
                      "WHERE event_id = '" + id + "' AND subscriber = 'beta'"),
            "delivered:1");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things WHERE event_id = '" + id + "'"), "1");
  // The publisher's committed state never depended on its subscribers.
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.things WHERE note = 'payload'"), "1");

  const auto text = registry_.render();
  EXPECT_NE(text.find(R"(nelo_outbox_retries_total{publisher="alpha",subscriber="gamma"} 2)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(nelo_outbox_dead_total{publisher="alpha",subscriber="gamma"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(nelo_outbox_delivered_total{publisher="alpha",subscriber="gamma"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(nelo_outbox_delivered_total{publisher="alpha",subscriber="beta"} 1)"), std::string::npos);
}

TEST_F(EventsTest, Replay_RefusesWhatIsNotADeadDelivery) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  run([&]() -> asio::awaitable<void> {
    // Pending (never dispatched: the bus is not started) is not dead.
    auto id = co_await publish_thing(*bus, "pending");
    EXPECT_THROW(co_await bus->replay("alpha", id, "beta"), NotFound);
    EXPECT_THROW(co_await bus->replay("omega", id, "beta"), NotFound);
    EXPECT_THROW(co_await bus->replay("alpha", "not-a-uuid", "beta"), ValidationError);
    EXPECT_THROW(co_await bus->replay("alpha", "00000000-0000-4000-8000-000000000000", "beta"), NotFound);
    EXPECT_THROW(co_await bus->replay("alpha", id, "Beta; --"), NotFound);
    EXPECT_THROW(co_await bus->replay("alpha", id, "gamma"), NotFound);
  }());
  EXPECT_EQ(db_.value("SELECT status || ':' || attempts FROM alpha.outbox_deliveries"), "pending:0");
}

// Dead rows written directly: alpha has 3 events x {beta, gamma}, beta has 2 events x {alpha};
// one more alpha delivery is pending and must not be listed.
asio::awaitable<void> seed_dead(db::Pool& pool) {
  const std::string sql = R"sql(
    WITH a AS (
      INSERT INTO alpha.outbox (id, name, version, payload)
      SELECT gen_random_uuid(), 'thing.created', 1, jsonb_build_object('i', i) FROM generate_series(1, 3) AS i
      RETURNING id, seq)
    INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq, status, attempts, last_error)
    SELECT a.id, s, a.seq, 'dead', 3, 'boom' FROM a CROSS JOIN unnest(ARRAY['beta', 'gamma']) AS s)sql";
  co_await pool.execute_as_owner(sql);
  co_await pool.execute_as_owner(R"sql(
    WITH b AS (
      INSERT INTO beta.outbox (id, name, version, payload)
      SELECT gen_random_uuid(), 'other.happened', 2, '{}'::jsonb FROM generate_series(1, 2)
      RETURNING id, seq)
    INSERT INTO beta.outbox_deliveries (event_id, subscriber, seq, status, attempts, last_error)
    SELECT b.id, 'alpha', b.seq, 'dead', 5, 'kaput' FROM b)sql");
  co_await pool.execute_as_owner(R"sql(
    WITH a AS (
      INSERT INTO alpha.outbox (id, name, version, payload)
      VALUES (gen_random_uuid(), 'thing.created', 1, '{}') RETURNING id, seq)
    INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq, status, next_attempt_at)
    SELECT a.id, 'beta', a.seq, 'pending', now() + interval '1 hour' FROM a)sql");
}

TEST_F(EventsTest, DeadList_PagesAcrossPublishersWithoutGapsOrRepeats) {
  auto bus = make_bus();
  run(seed_dead(*pool_));
  for (std::size_t limit : {1u, 3u, 4u, 8u, 100u}) {
    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    int pages = 0;
    do {
      auto page = run(bus->list_dead(limit, cursor));
      ASSERT_LE(page.items.size(), limit);
      for (const auto& d : page.items) seen.push_back(d.publisher + "/" + std::to_string(d.seq) + "/" + d.subscriber);
      cursor = page.next_cursor;
      ASSERT_LT(++pages, 20) << "pagination does not end";
    } while (cursor);
    ASSERT_EQ(seen.size(), 8u) << "limit " << limit;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 8u) << "limit " << limit;
    EXPECT_EQ(pages, static_cast<int>((8 + limit - 1) / limit)) << "limit " << limit;
    // Publisher by publisher, then by seq and subscriber.
    EXPECT_EQ(seen.front(), "alpha/1/beta");
    EXPECT_EQ(seen[1], "alpha/1/gamma");
    EXPECT_EQ(seen.back(), "beta/2/alpha");
  }
  auto first = run(bus->list_dead(8, std::nullopt));
  EXPECT_EQ(first.items[6].event_name, "other.happened");
  EXPECT_EQ(first.items[6].event_version, 2);
  EXPECT_EQ(first.items[6].attempts, 5);
  EXPECT_EQ(first.items[6].last_error, "kaput");

  EXPECT_THROW(run(bus->list_dead(0, std::nullopt)), ValidationError);
  EXPECT_THROW(run(bus->list_dead(OutboxEventBus::kMaxPageSize + 1, std::nullopt)), ValidationError);
  EXPECT_THROW(run(bus->list_dead(10, std::string("garbage"))), ValidationError);
}

TEST_F(EventsTest, HandlerWithoutRegistrationOnThisInstance_FailsTheDeliveryInsteadOfDroppingIt) {
  // A delivery for beta of an event beta has no handler for here (e.g. a handler removed by a
  // deploy while its deliveries were pending): retried, then dead, never silently acknowledged.
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  run([&]() -> asio::awaitable<void> {
    co_await pool_->execute_as_owner(R"sql(
      WITH a AS (
        INSERT INTO alpha.outbox (id, name, version, payload)
        VALUES (gen_random_uuid(), 'thing.removed', 1, '{}') RETURNING id, seq)
      INSERT INTO alpha.outbox_deliveries (event_id, subscriber, seq) SELECT a.id, 'beta', a.seq FROM a)sql");
    bus->start();
    co_await eventually(
        [&]() -> asio::awaitable<bool> {
          co_return co_await scalar("SELECT status FROM alpha.outbox_deliveries") == "dead";
        },
        "dead");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 0);
  EXPECT_NE(db_.value("SELECT last_error FROM alpha.outbox_deliveries").find("no handler for thing.removed"),
            std::string::npos);
}

}  // namespace
}  // namespace nelo::events::test
