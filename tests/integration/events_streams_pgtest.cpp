// Outbox streams (docs/events.md, "Streams"): a subscriber's position in a publisher's outbox, read
// in snapshot ranges, so that an event committed after one with a later seq is still taken, once.
// First the repository by hand, then the dispatcher reading streams.

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "integration/events_fixture.hpp"
#include "shared/events/outbox_repository.hpp"

namespace nelo::events::test {
namespace {

constexpr auto kLease = std::chrono::milliseconds(30'000);
constexpr auto kNow = std::chrono::milliseconds(0);
// Named: g++ 12 cannot carry a string literal into a coroutine's co_await.
const std::string kAlpha = "alpha";
const std::string kBeta = "beta";
const std::string kMe = "me";
const std::string kYou = "you";
const std::vector<std::string> kThingCreated = {"thing.created"};

std::vector<std::string> notes_of(const StreamClaim& claim) {
  std::vector<std::string> out;
  for (const auto& d : claim.deliveries) out.emplace_back(d.event.payload.at("note").as_string());
  return out;
}

TEST_F(EventsTest, Stream_TakesALateCommitWithASmallerSeq_OnceInTheNextRange) {
  auto bus = make_bus();  // never started: the test reads the stream by hand
  OutboxRepository outbox(*pool_);
  StreamClaim first;
  StreamClaim second;
  StreamClaim third;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    // "late" draws its seq first and commits last. (publish() writes its row at COMMIT, which
    // draws the seq then: the row is written by hand here to draw it early.)
    auto late = co_await pool_->begin(kAlpha);
    const std::string late_row =
        "INSERT INTO alpha.outbox (id, name, version, payload) "
        "VALUES (gen_random_uuid(), 'thing.created', 1, '{\"note\": \"late\"}')";
    co_await late.execute(late_row);
    const std::string early = "early";
    const std::string ignored = "ignored";
    const std::string removed = "thing.removed";
    co_await publish_thing(*bus, early);
    co_await publish_thing(*bus, ignored, true, removed);
    first = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 10, kLease);
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, 0, true);
    co_await late.commit();
    second = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 10, kLease);
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, 0, true);
    third = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 10, kLease);
  }());
  EXPECT_TRUE(first.leased);
  EXPECT_TRUE(first.exhausted);
  EXPECT_EQ(notes_of(first), std::vector<std::string>{"early"});
  EXPECT_EQ(notes_of(second), std::vector<std::string>{"late"});
  EXPECT_TRUE(third.exhausted);
  EXPECT_TRUE(third.deliveries.empty());
}

TEST_F(EventsTest, Stream_MovesOnWithinARange_AndBelongsToOneOwnerAtATime) {
  auto bus = make_bus();
  OutboxRepository outbox(*pool_);
  std::vector<std::vector<std::string>> chunks;
  bool exhausted_last = false;
  bool other_leased = false;
  bool other_advanced = false;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    const std::vector<std::string> notes = {"a", "b", "c", "d", "e"};
    for (const auto& note : notes) co_await publish_thing(*bus, note);
    for (;;) {
      auto claim = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
      auto others = co_await outbox.claim_stream(kAlpha, kBeta, kYou, 2, kLease);
      if (others.leased) other_leased = true;
      chunks.push_back(notes_of(claim));
      const std::int64_t last = claim.deliveries.empty() ? 0 : claim.deliveries.back().seq;
      const bool moved_by_other = co_await outbox.advance_stream(kAlpha, kBeta, kYou, last, false);
      if (moved_by_other) other_advanced = true;
      co_await outbox.advance_stream(kAlpha, kBeta, kMe, last, claim.exhausted);
      if (claim.exhausted) {
        exhausted_last = true;
        break;
      }
    }
  }());
  EXPECT_EQ(chunks, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_TRUE(exhausted_last);
  EXPECT_FALSE(other_leased);
  EXPECT_FALSE(other_advanced);
}

// A claim that fills its limit cannot tell that the range holds no more: the next claim, finding
// nothing past after_seq, closes the range itself, so the stream takes what comes next.
TEST_F(EventsTest, Stream_ARangeEndedByAFullClaim_ClosesAtTheNextClaim) {
  auto bus = make_bus();
  OutboxRepository outbox(*pool_);
  StreamClaim full;
  StreamClaim empty;
  StreamClaim next;
  std::string range_after;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    const std::vector<std::string> notes = {"a", "b"};
    for (const auto& note : notes) co_await publish_thing(*bus, note);
    full = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, full.deliveries.back().seq, full.exhausted);
    empty = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
    const std::string range = "SELECT (upto IS NULL) || ':' || alpha.pending_deliveries() FROM alpha.outbox_streams";
    range_after = co_await scalar(range);
    const std::string note = "c";
    co_await publish_thing(*bus, note);
    next = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
  }());
  EXPECT_EQ(notes_of(full), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(full.exhausted) << "a full claim does not know it took the last events";
  EXPECT_TRUE(empty.exhausted);
  EXPECT_TRUE(empty.deliveries.empty());
  EXPECT_EQ(range_after, "true:0") << "closed by the empty claim";
  EXPECT_EQ(notes_of(next), std::vector<std::string>{"c"});
}

TEST_F(EventsTest, Stream_WhatItStillHasToTake_CountsAsPendingInTheStats) {
  auto bus = make_bus();
  OutboxRepository outbox(*pool_);
  std::vector<std::int64_t> pending;
  double oldest_while_pending = 0;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    const std::vector<std::string> notes = {"a", "b", "c"};
    for (const auto& note : notes) co_await publish_thing(*bus, note);
    const std::string other = "other";
    const std::string removed = "thing.removed";
    co_await publish_thing(*bus, other, true, removed);  // not one of beta's names
    co_await pause(20ms);
    auto stats = co_await outbox.stats(kAlpha);
    pending.push_back(stats.pending);
    oldest_while_pending = stats.oldest_pending_seconds;
    auto claim = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
    pending.push_back((co_await outbox.stats(kAlpha)).pending);  // claimed is not handled
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, claim.deliveries.back().seq, false);
    pending.push_back((co_await outbox.stats(kAlpha)).pending);
    auto rest = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 2, kLease);
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, rest.deliveries.back().seq, rest.exhausted);
    auto after = co_await outbox.stats(kAlpha);
    pending.push_back(after.pending);
    pending.push_back(after.oldest_pending_seconds > 0 ? 1 : 0);
  }());
  EXPECT_EQ(pending, (std::vector<std::int64_t>{3, 3, 1, 0, 0}));
  EXPECT_GT(oldest_while_pending, 0.0);
}

TEST_F(EventsTest, Stream_KeepsItsEventsFromThePurge_UntilItHasTakenThem) {
  auto bus = make_bus();
  OutboxRepository outbox(*pool_);
  std::int64_t purged_while_untaken = -1;
  std::int64_t purged_once_taken = -1;
  std::int64_t left = -1;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    const std::string note = "old";
    co_await publish_thing(*bus, note);
    // A week's retention has passed for it, and beta has not taken it (its subscriber is away).
    const std::string age_it = "UPDATE alpha.outbox SET occurred_at = now() - interval '8 days'";
    co_await pool_->execute_as_owner(age_it);
    purged_while_untaken = co_await outbox.purge_events(kAlpha, std::chrono::hours(24 * 7), 100);
    auto claim = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 10, kLease);
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, 0, claim.exhausted);
    purged_once_taken = co_await outbox.purge_events(kAlpha, std::chrono::hours(24 * 7), 100);
    const std::string events = "SELECT count(*) FROM alpha.outbox";
    left = co_await count(events);
  }());
  EXPECT_EQ(purged_while_untaken, 0);
  EXPECT_EQ(purged_once_taken, 1);
  EXPECT_EQ(left, 0);
}

TEST_F(EventsTest, Stream_AFailedEventBecomesADeliveryRow_ThatTheRetriesTakeOver) {
  auto bus = make_bus();
  OutboxRepository outbox(*pool_);
  bool recorded = false;
  bool recorded_twice = true;
  std::vector<ClaimedDelivery> retried;
  std::string failed_id;
  run([&]() -> asio::awaitable<void> {
    co_await outbox.open_stream(kAlpha, kBeta, kThingCreated);
    const std::string note = "fails";
    failed_id = co_await publish_thing(*bus, note);
    auto claim = co_await outbox.claim_stream(kAlpha, kBeta, kMe, 10, kLease);
    const std::string error = "the handler threw";
    const auto first = co_await outbox.record_stream_failure(claim.deliveries.front(), error, 3, kNow);
    recorded = first.has_value() && first->attempts == 1 && !first->dead;
    const auto again = co_await outbox.record_stream_failure(claim.deliveries.front(), error, 3, kNow);
    recorded_twice = again.has_value();
    co_await outbox.advance_stream(kAlpha, kBeta, kMe, claim.deliveries.front().seq, claim.exhausted);
    const std::vector<std::string> beta{kBeta};
    const std::vector<std::int64_t> from_start{0};
    retried = co_await outbox.claim(kAlpha, beta, from_start, 10, kMe, kLease);
  }());
  EXPECT_TRUE(recorded);
  EXPECT_FALSE(recorded_twice) << "one row per failed delivery";
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried.front().event.id, failed_id);
  EXPECT_EQ(retried.front().attempts, 1) << "the stream's attempt counts";
  EXPECT_EQ(db_.value("SELECT last_error FROM alpha.outbox_deliveries"), "the handler threw");
}

// The dispatcher's side: an instance that crashed after its subscriber committed part of a
// range, before the stream moved on. The next instance takes the stream once its lease expires and
// delivers the rest; the committed event is skipped by the inbox, not run again.
TEST_F(EventsTest, Stream_LeasedByACrashedInstance_IsTakenOverOnItsExpiry_WithoutRunningAnEventTwice) {
  auto bus = make_bus(streaming_options("next"));
  auto runs = std::make_shared<std::atomic<int>>(0);
  bus->subscribe("beta", "thing.created", recording_handler(runs));
  OutboxRepository outbox(*pool_);
  std::vector<std::string> ids;
  std::size_t crashed_took = 0;
  std::string stream_after;
  run([&]() -> asio::awaitable<void> {
    co_await bus->open_streams();
    const std::vector<std::string> notes = {"a", "b", "c"};
    for (const auto& note : notes) ids.push_back(co_await publish_thing(*bus, note));
    const std::string crashed = "crashed";
    auto claim = co_await outbox.claim_stream(kAlpha, kBeta, crashed, 10, std::chrono::milliseconds(800));
    crashed_took = claim.deliveries.size();
    // What the crashed instance's subscriber committed for "a": its inbox row and its effect.
    const std::string committed =
        "WITH i AS (INSERT INTO beta.inbox (event_id, publisher, name) VALUES ($1, 'alpha', 'thing.created')) "
        "INSERT INTO beta.things (event_id, note) VALUES ($1, 'by the crashed instance')";
    co_await scalar(committed, db::params(ids[0]));
    bus->start();
    co_await until_delivered(3, "b and c delivered once the lease expired");
    co_await bus->stop();
    const std::string stream = "SELECT coalesce(lease_owner, 'released') || ':' || (upto IS NULL) "
                               "FROM alpha.outbox_streams WHERE subscriber = 'beta'";
    stream_after = co_await scalar(stream);
  }());
  EXPECT_EQ(crashed_took, 3u);
  EXPECT_EQ(runs->load(), 2) << "a was committed by the crashed instance: skipped, not run again";
  EXPECT_EQ(db_.value("SELECT string_agg(note, ',' ORDER BY id) FROM beta.things"),
            "by the crashed instance,thing.created,thing.created");
  EXPECT_EQ(stream_after, "released:true") << "its range closed, and released when the next instance stopped";
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0") << "no row for a stream's delivery";
}

// Two instances on one database, publishing and dispatching at once: every subscriber handles
// every event once, and no event gets a delivery row. (A stream belongs to one instance at a
// time, so which instance handles a subscriber's events is not asserted.)
TEST_F(EventsTest, Streams_TwoInstancesDispatchingConcurrently_DeliverEveryEventOncePerSubscriber) {
  constexpr int kEvents = 200;
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, int> runs;  // (subscriber, event id) -> handler runs
  Handler handler = [&](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
    {
      std::lock_guard lock(mutex);
      ++runs[{tx.module(), e.id}];
    }
    db::Params values = db::params(e.id);
    co_await tx.execute("INSERT INTO " + tx.module() + ".things (event_id) VALUES ($1)", values);
  };
  std::vector<std::unique_ptr<OutboxEventBus>> buses;
  for (const char* instance : {"one", "two"}) {
    auto options = streaming_options(instance);
    options.batch_size = 10;  // many small claims and ranges
    buses.push_back(make_bus(options, &other_pool()));
    buses.back()->subscribe("beta", "thing.created", handler);
    buses.back()->subscribe("gamma", "thing.created", handler);
  }
  publish_while_dispatching(buses, kEvents, 2, /*streaming=*/true);
  std::lock_guard lock(mutex);
  EXPECT_EQ(runs.size(), 2u * kEvents);
  int repeated = 0;
  for (const auto& [key, n] : runs) repeated += n != 1;
  EXPECT_EQ(repeated, 0) << "handlers that ran more than once";
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
  EXPECT_EQ(db_.value("SELECT alpha.pending_deliveries()"), "0");
}

// Over several claims and ranges, each subscriber handles the events in publish order; an event
// whose handler fails gets a delivery row, the stream goes on past it, and the row's retry
// delivers it.
TEST_F(EventsTest, Streams_KeepEachSubscribersOrder_AndAFailedEventGoesOnInItsRow) {
  auto options = streaming_options("ordered");
  options.batch_size = 3;
  options.deliveries_per_transaction = 2;
  auto bus = make_bus(options);
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> seen;  // subscriber -> notes, in handling order
  auto failures = std::make_shared<std::atomic<int>>(0);
  // beta fails n4 twice: in its chunk, or alone, and in the stream, so that it gets a row.
  auto recorder = [&](bool fail_n4) -> Handler {
    return [&, fail_n4](db::Transaction& tx, const Event& e) -> asio::awaitable<void> {
      const std::string note(e.payload.at("note").as_string());
      if (fail_n4 && note == "n4" && failures->fetch_add(1) < 2) throw std::runtime_error("n4 fails");
      // Seen once committed: a chunk that another event's failure rolls back runs again.
      tx.on_commit([&, subscriber = tx.module(), note] {
        std::lock_guard lock(mutex);
        seen[subscriber].push_back(note);
      });
      co_return;
    };
  };
  bus->subscribe("beta", "thing.created", recorder(true));
  bus->subscribe("gamma", "thing.created", recorder(false));
  std::vector<std::string> ids;
  std::string n4_row;
  run([&]() -> asio::awaitable<void> {
    co_await start_streaming(*bus);
    for (int i = 0; i < 10; ++i) ids.push_back(co_await publish_thing(*bus, "n" + std::to_string(i)));
    co_await until_delivered(20, "every event delivered to both subscribers");
    co_await bus->stop();
    const std::string row = "SELECT subscriber || ':' || status || ':' || attempts FROM alpha.outbox_deliveries";
    n4_row = co_await scalar(row);
  }());
  std::vector<std::string> in_order;
  for (int i = 0; i < 10; ++i) in_order.push_back("n" + std::to_string(i));
  EXPECT_EQ(seen["gamma"], in_order);
  std::vector<std::string> beta_without_n4 = seen["beta"];
  std::erase(beta_without_n4, "n4");
  in_order.erase(in_order.begin() + 4);
  EXPECT_EQ(beta_without_n4, in_order) << "beta's other events in order, not held back by n4";
  EXPECT_EQ(std::count(seen["beta"].begin(), seen["beta"].end(), "n4"), 1);
  EXPECT_EQ(failures->load(), 3) << "n4 failed twice, then passed";
  EXPECT_TRUE(n4_row.starts_with("beta:delivered:")) << n4_row << ": the only delivery row is n4's, retried";
  // n4 counts once as delivered, by its row, not also by the stream that passed it on.
  const auto text = registry_.render();
  EXPECT_NE(text.find(R"(nelo_outbox_delivered_total{publisher="alpha",subscriber="beta"} 10)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(nelo_outbox_delivered_total{publisher="alpha",subscriber="gamma"} 10)"), std::string::npos);
  EXPECT_NE(text.find(R"(nelo_outbox_retries_total{publisher="alpha",subscriber="beta"})"), std::string::npos);
}

// A subscriber stalled on an event holds back only its own stream: another subscriber of the same
// publisher keeps receiving, and the stalled one keeps its order.
TEST_F(EventsTest, Streams_AStalledSubscriber_DoesNotHoldBackAnother) {
  auto bus = make_bus(streaming_options("stalled"));
  const auto r = run_stalled_subscriber(*bus, /*streaming=*/true);
  EXPECT_EQ(r.beta_second_status, "pending");
  EXPECT_EQ(r.gamma_runs, 2);
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
}

// A restart: a graceful stop gives up its streams' leases; what was published while no dispatcher
// ran (its publisher's streams open, so with no delivery row) is delivered by the next instance
// from where the streams stood, once; and a subscriber that handles a new event name after the
// restart takes it from then on.
TEST_F(EventsTest, Streams_AfterARestart_DeliverWhatWasPublishedMeanwhile_AndTakeNewNames) {
  auto runs = std::make_shared<std::atomic<int>>(0);
  std::vector<std::string> before;
  std::vector<std::string> meanwhile;
  std::int64_t leases_after_stop = -1;
  {
    auto first = make_bus(streaming_options("first"));
    first->subscribe("beta", "thing.created", recording_handler(runs));
    run([&]() -> asio::awaitable<void> {
      co_await start_streaming(*first);
      for (int i = 0; i < 3; ++i) before.push_back(co_await publish_thing(*first, "before" + std::to_string(i)));
      co_await until_delivered(3, "the first instance delivered its events");
      co_await first->stop();
      const std::string leased = "SELECT count(*) FROM alpha.outbox_streams WHERE lease_owner IS NOT NULL";
      leases_after_stop = co_await count(leased);
      // Its dispatcher is stopped; its streams are open, so these get no row.
      for (int i = 0; i < 4; ++i) meanwhile.push_back(co_await publish_thing(*first, "meanwhile" + std::to_string(i)));
    }());
  }
  EXPECT_EQ(leases_after_stop, 0) << "a graceful stop gives its streams up: the next instance need not wait";
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.outbox_deliveries"), "0");
  EXPECT_EQ(db_.value("SELECT alpha.pending_deliveries()"), "4") << "the stream's backlog while nobody runs";

  auto second = make_bus(streaming_options("second"));
  second->subscribe("beta", "thing.created", recording_handler(runs));
  second->subscribe("beta", "thing.removed", recording_handler(runs));  // new in this version
  std::string removed;
  run([&]() -> asio::awaitable<void> {
    co_await start_streaming(*second);
    co_await until_delivered(7, "what was published meanwhile, after the restart");
    const std::string name = "thing.removed";
    const std::string note = "removed";
    removed = co_await publish_thing(*second, note, true, name);
    co_await until_delivered(8, "the new name");
    co_await second->stop();
  }());
  EXPECT_EQ(runs->load(), 8) << "each event handled once";
  EXPECT_EQ(db_.value("SELECT count(*) FROM beta.inbox"), "8");
  EXPECT_EQ(db_.value("SELECT names::text FROM alpha.outbox_streams WHERE subscriber = 'beta'"),
            "{thing.created,thing.removed}");
  EXPECT_EQ(db_.value("SELECT alpha.pending_deliveries()"), "0");
}

}  // namespace
}  // namespace nelo::events::test
