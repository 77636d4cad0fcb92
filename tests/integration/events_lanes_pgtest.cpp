// How the dispatcher shares its work: each (publisher, subscriber) lane runs on its own, so a
// stalled subscriber holds back nobody else; a claim takes each lane's oldest rows, whatever another
// lane's backlog; and a lane runs several deliveries in one transaction, of which a failing handler
// rolls back nothing but itself.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <span>
#include <vector>

#include "integration/events_fixture.hpp"
#include "shared/events/outbox_repository.hpp"

namespace nelo::events::test {
namespace {

TEST_F(EventsTest, StalledSubscriber_DoesNotHoldBackAnotherSubscribersLane) {
  auto bus = make_bus();
  const auto r = run_stalled_subscriber(*bus, /*streaming=*/false);
  // beta's own order is kept: its second event waited behind its first.
  EXPECT_EQ(r.beta_second_status, "pending");
  EXPECT_EQ(db_.value("SELECT count(*) FROM gamma.things"), "2");
  EXPECT_EQ(db_.value("SELECT status FROM alpha.outbox_deliveries WHERE event_id = '" + r.first +
                      "' AND subscriber = 'beta'"),
            "delivered");
}

TEST_F(EventsTest, Claim_TakesEachSubscribersOldestRows_UpToTheLimit_WithAPlanThatIgnoresStatistics) {
  auto bus = make_bus();  // never started: the test claims by hand
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  bus->subscribe("gamma", "thing.created", recording_handler(runs));
  OutboxRepository outbox(*pool_);
  std::vector<std::string> ids;
  std::vector<ClaimedDelivery> beta_only;
  std::vector<ClaimedDelivery> both;
  std::vector<ClaimedDelivery> leased_already;
  run([&]() -> asio::awaitable<void> {
    // Statistics taken while nothing was pending: the backlog below is invisible to the planner.
    co_await scalar("ANALYZE alpha.outbox_deliveries");
    for (int i = 0; i < 30; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    const std::vector<std::string> beta{"beta"};
    const std::vector<std::string> beta_and_gamma{"beta", "gamma"};
    const std::vector<std::int64_t> from_start{0};
    const std::vector<std::int64_t> both_from_start{0, 0};
    beta_only = co_await outbox.claim("alpha", beta, from_start, 5, "claimer", 30s);
    both = co_await outbox.claim("alpha", beta_and_gamma, both_from_start, 5, "claimer", 30s);
    leased_already = co_await outbox.claim("alpha", beta, from_start, 100, "another", 30s);
  }());
  // beta's first five, then beta's next five beside gamma's first five: gamma's 30 pending rows
  // did not make the first claim skip or take anything of theirs.
  ASSERT_EQ(beta_only.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(beta_only[i].subscriber, "beta");
    EXPECT_EQ(beta_only[i].event.id, ids[i]);
    EXPECT_EQ(beta_only[i].event.name, "thing.created");
  }
  ASSERT_EQ(both.size(), 10u);
  std::vector<std::string> beta_ids;
  std::vector<std::string> gamma_ids;
  for (const auto& d : both) (d.subscriber == "beta" ? beta_ids : gamma_ids).push_back(d.event.id);
  EXPECT_EQ(beta_ids, std::vector<std::string>(ids.begin() + 5, ids.begin() + 10));
  EXPECT_EQ(gamma_ids, std::vector<std::string>(ids.begin(), ids.begin() + 5));
  // The leased rows are nobody else's until their lease ends.
  ASSERT_EQ(leased_already.size(), 20u);
  EXPECT_EQ(leased_already.front().event.id, ids[10]);
  // The plan is fixed where the function is declared, not left to the statistics.
  EXPECT_EQ(db_.value("SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE proname = 'claim_deliveries'"
                      " AND pronamespace = 'alpha'::regnamespace"),
            "enable_seqscan=off,enable_bitmapscan=off");
}

TEST_F(EventsTest, Claim_StartsEachSubscriberPastItsOwnSeq) {
  auto bus = make_bus();  // never started: the test claims by hand
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  bus->subscribe("gamma", "thing.created", recording_handler(runs));
  OutboxRepository outbox(*pool_);
  std::vector<std::int64_t> seqs;
  std::vector<ClaimedDelivery> claimed;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 10; ++i) {
      const auto id = co_await publish_thing(*bus, "n" + std::to_string(i));
      seqs.push_back(std::stoll(co_await scalar("SELECT seq::text FROM alpha.outbox WHERE id = '" + id + "'")));
    }
    const std::vector<std::string> beta_and_gamma{"beta", "gamma"};
    // beta from its seventh event on, gamma from its first.
    const std::vector<std::int64_t> after{seqs[5], 0};
    claimed = co_await outbox.claim("alpha", beta_and_gamma, after, 100, "claimer", 30s);
  }());
  std::vector<std::int64_t> beta_seqs;
  std::vector<std::int64_t> gamma_seqs;
  for (const auto& d : claimed) (d.subscriber == "beta" ? beta_seqs : gamma_seqs).push_back(d.seq);
  EXPECT_EQ(beta_seqs, std::vector<std::int64_t>(seqs.begin() + 6, seqs.end()));
  EXPECT_EQ(gamma_seqs, seqs);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries WHERE subscriber = 'beta' AND lease_owner IS NULL"),
            "6")
      << "what lies before the seq is left as it was";
}

// A commit wakes a claim that reads the lane from claim_window seqs below what it last claimed;
// an event that lies further back (a retry come due, a lease run out, a late commit) is still
// delivered: the polls read every lane from its start.
TEST_F(EventsTest, ADeliveryFarBehindItsLane_IsStillDelivered_ByAPoll) {
  auto options = fast_options("window-test");
  options.claim_window = 1;
  auto bus = make_bus(options);
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  std::vector<std::string> ids;
  run([&]() -> asio::awaitable<void> {
    bus->start();
    for (int i = 0; i < 6; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(ids.back(), "beta") == "delivered"; },
        "the first six delivered");
    // The second event's delivery is due again, as if its lease had run out before it was done
    // (its handler committed nothing: no inbox row, no thing).
    co_await pool_->execute_as_owner("DELETE FROM beta.inbox WHERE event_id = $1", db::params(ids[1]));
    co_await pool_->execute_as_owner("DELETE FROM beta.things WHERE event_id = $1", db::params(ids[1]));
    co_await pool_->execute_as_owner(
        "UPDATE alpha.outbox_deliveries SET status = 'pending', delivered_at = NULL WHERE event_id = $1",
        db::params(ids[1]));
    for (int i = 6; i < 9; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    co_await eventually(
        [&]() -> asio::awaitable<bool> {
          const auto last = co_await delivery_status(ids.back(), "beta");
          const auto late = co_await delivery_status(ids[1], "beta");
          co_return last == "delivered" && late == "delivered";
        },
        "the late one delivered too");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), 10) << "nine events, the late one handled twice";
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things"), "9");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "9");
}

// A batch handler gets the chunk's events of its name in one call, in order, without those the
// subscriber's inbox already had; what it writes commits with their inbox rows.
TEST_F(EventsTest, ABatchHandler_GetsTheChunksFreshEventsInOneCall_InOrder) {
  auto bus = make_bus();
  auto calls = std::make_shared<std::vector<std::vector<std::string>>>();
  auto mutex = std::make_shared<std::mutex>();
  bus->subscribe_batch("beta", "thing.created",
                       [calls, mutex](db::Transaction& tx, std::span<const Event* const> events) -> asio::awaitable<void> {
                         std::vector<std::string> ids;
                         for (const Event* e : events) ids.push_back(e->id);
                         {
                           std::lock_guard lock(*mutex);
                           calls->push_back(ids);
                         }
                         const db::Params values = db::params(ids);
                         co_await tx.execute(
                             "INSERT INTO beta.things (event_id) SELECT unnest($1::uuid[])", values);
                       });
  std::vector<std::string> ids;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 6; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    co_await pool_->execute_as_owner(
        "INSERT INTO beta.inbox (event_id, publisher, name) VALUES ($1, 'alpha', 'thing.created')", db::params(ids[2]));
    bus->start();
    co_await until_delivered(6, "all six marked delivered");
    co_await bus->stop();
  }());
  ASSERT_EQ(calls->size(), 1u) << "one call for the chunk";
  EXPECT_EQ(calls->front(), (std::vector<std::string>{ids[0], ids[1], ids[3], ids[4], ids[5]}));
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things"), "5");
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "6");
}

TEST_F(EventsTest, AChunkSkipsWhatItsSubscriberAlreadyHandled_AndRunsTheRest) {
  auto bus = make_bus();
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  constexpr int kEvents = 6;
  std::vector<std::string> ids;
  run([&]() -> asio::awaitable<void> {
    for (int i = 0; i < kEvents; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    // Two of them were handled by an instance that stopped before marking them delivered.
    for (const int handled : {1, 4}) {
      co_await pool_->execute_as_owner(
          "INSERT INTO beta.inbox (event_id, publisher, name) VALUES ($1, 'alpha', 'thing.created')",
          db::params(ids[static_cast<std::size_t>(handled)]));
    }
    bus->start();
    co_await until_delivered(kEvents, "all six marked delivered");
    co_await bus->stop();
  }());
  EXPECT_EQ(runs->load(), kEvents - 2);
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), std::to_string(kEvents));
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things WHERE event_id IN ('" + ids[1] + "', '" + ids[4] + "')"), "0");
}

TEST_F(EventsTest, FailingHandlerInAChunk_RollsBackOnlyItself_AndTheOthersCommitOnce) {
  auto options = fast_options("chunks");
  options.deliveries_per_transaction = 16;
  options.max_attempts = 10;
  options.retry_base = 500ms;
  auto bus = make_bus(options);
  auto failing = std::make_shared<std::atomic<bool>>(true);
  auto runs = std::make_shared<std::atomic<int>>(0);
  auto record = recording_handler(runs);
  bus->subscribe("beta", "thing.created",
                 [failing, record](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
                   co_await record(tx, e);
                   if (e.payload.at("note").as_string() == "n4" && failing->load()) {
                     throw std::runtime_error("n4 refused");
                   }
                 });
  constexpr int kEvents = 10;
  std::vector<std::string> ids;
  run([&]() -> asio::awaitable<void> {
    // Published before the start, so the ten come in one claim, hence one chunk.
    for (int i = 0; i < kEvents; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    bus->start();
    co_await until_delivered(kEvents - 1, "the nine others delivered");
    const auto n4_status = co_await delivery_status(ids[4], "beta");
    const auto n4_error =
        co_await scalar("SELECT last_error FROM alpha.outbox_deliveries WHERE event_id = $1", db::params(ids[4]));
    EXPECT_EQ(n4_status, "pending");
    EXPECT_EQ(n4_error, "n4 refused");
    failing->store(false);
    co_await eventually(
        [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(ids[4], "beta") == "delivered"; },
        "n4 delivered on retry");
    co_await bus->stop();
  }());
  // Each event's effect committed exactly once, whatever was rolled back on the way.
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.things"), std::to_string(kEvents));
  EXPECT_EQ(db_.value("SELECT count(DISTINCT event_id) FROM beta.things"), std::to_string(kEvents));
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), std::to_string(kEvents));
  // The chunk ran whole once (rolled back), then one at a time: more runs than events.
  EXPECT_GT(runs->load(), kEvents);
  // n4's failure was counted (the retry may have failed once more before the test let it pass).
  EXPECT_GE(std::stoi(db_.value("SELECT attempts FROM alpha.outbox_deliveries WHERE event_id = '" + ids[4] + "'")), 2);
  EXPECT_EQ(db_.value("SELECT attempts FROM alpha.outbox_deliveries WHERE event_id = '" + ids[0] + "'"), "1");
}

TEST_F(EventsTest, ChunkedDeliveries_CommitTogether_InPublishOrder) {
  auto options = fast_options("together");
  options.deliveries_per_transaction = 8;
  auto bus = make_bus(options);
  std::mutex mutex;
  std::set<std::string> transactions;  // txid_current() seen by the handler
  std::vector<std::string> order;
  bus->subscribe("beta", "thing.created", [&](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
    auto txid = co_await tx.execute("SELECT txid_current()::text");
    std::lock_guard lock(mutex);
    transactions.insert(std::string(txid.front().text(0)));
    order.push_back(e.payload.at("note").as_string().c_str());
  });
  constexpr int kEvents = 24;
  const std::vector<std::string> published = deliver_backlog(*bus, kEvents);
  std::lock_guard lock(mutex);
  EXPECT_EQ(order, published);
  EXPECT_EQ(transactions.size(), static_cast<std::size_t>(kEvents / 8));
}

}  // namespace
}  // namespace nelo::events::test
