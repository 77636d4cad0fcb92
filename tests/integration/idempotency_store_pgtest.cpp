// IdempotencyStore against a real PostgreSQL: the claim outcomes, their races (50 concurrent
// first requests, two takers of a stale claim), the response's transactional fate, scopes and
// retention. Two scratch module schemas get the idempotency template like every module does.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/periodic_purge.hpp"
#include "shared/idempotency/schema_templates.hpp"
#include "support/run_async.hpp"
#include "support/test_database.hpp"

namespace nelo::idempotency {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Kind = Claim::Kind;

// Time moves only when a test says so; read from several threads.
class ManualClock final : public Clock {
 public:
  ManualClock() : micros_(SystemClock().now().time_since_epoch().count()) {}
  Timestamp now() const override { return Timestamp(std::chrono::microseconds(micros_.load())); }
  void advance(std::chrono::microseconds by) { micros_ += by.count(); }

 private:
  std::atomic<std::int64_t> micros_;
};

StoredResponse created(std::string body) {
  StoredResponse r;
  r.status = 201;
  r.body = std::move(body);
  r.content_type = "application/json";
  return r;
}

class IdempotencyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = make_pool();
    run(migrate());
    store_ = std::make_unique<IdempotencyStore>(*pool_, clock_, "alpha");
  }

  void TearDown() override {
    for (auto& p : extra_pools_) p->close();
    pool_->close();
  }

  std::shared_ptr<db::Pool> make_pool(std::size_t size = 10) {
    db::PoolOptions options;
    options.conninfo = db_.conninfo();
    options.max_size = size;
    options.acquire_timeout = 10s;
    options.application_name = "nelo-idempotency-test";
    return db::Pool::create(io_.get_executor(), options);
  }

  // Another "process": its own pool and its own store on the same table.
  std::unique_ptr<IdempotencyStore> other_store() {
    extra_pools_.push_back(make_pool());
    return std::make_unique<IdempotencyStore>(*extra_pools_.back(), clock_, "alpha");
  }

  asio::awaitable<void> migrate() {
    std::vector<db::SchemaMigrations> schemas;
    for (const char* m : {"alpha", "beta"}) schemas.push_back({m, schema_templates(), {}});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  Claim claim(const std::string& scope, const std::string& key, const std::string& fingerprint,
              IdempotencyStore* store = nullptr) {
    return run((store ? *store : *store_).claim(scope, key, fingerprint));
  }

  // complete() inside an alpha transaction that commits (or rolls back).
  void complete_in_tx(const Claim& c, StoredResponse response, bool commit = true) {
    run([&]() -> asio::awaitable<void> {
      auto tx = co_await pool_->begin("alpha");
      co_await tx.execute("SELECT 1");  // stands for the business writes
      co_await store_->complete(tx, c, std::move(response));
      if (commit) {
        co_await tx.commit();
      } else {
        co_await tx.rollback();
      }
    }());
  }

  std::string count_keys(const std::string& schema = "alpha") {
    return db_.value("SELECT count(*) FROM " + schema + ".idempotency_keys");
  }

  nelo::test::TestDatabase db_;
  asio::io_context io_;
  ManualClock clock_;
  std::shared_ptr<db::Pool> pool_;
  std::vector<std::shared_ptr<db::Pool>> extra_pools_;
  std::unique_ptr<IdempotencyStore> store_;
};

TEST_F(IdempotencyStoreTest, TemplateCreatesTheTableOwnedByTheModuleRole) {
  EXPECT_EQ(db_.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'alpha' AND tablename = 'idempotency_keys'"),
            "nelo_alpha");
  EXPECT_EQ(db_.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'beta' AND tablename = 'idempotency_keys'"),
            "nelo_beta");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.schema_migrations WHERE name = 'template:idempotency_0001_keys.sql'"),
            "1");
}

TEST_F(IdempotencyStoreTest, FreshThenReplayWithTheIdenticalResponse) {
  auto first = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(first.kind, Kind::Fresh);
  EXPECT_EQ(first.scope, "user-1");
  EXPECT_EQ(first.key, "key-1");
  EXPECT_TRUE(first.locked_at);
  EXPECT_FALSE(first.response);

  const std::string body = "{\"id\":\"8f3c\",\"total\":{\"amount\":1250,\"currency\":\"EUR\"},\"note\":\"caf\xc3\xa9\"}";
  complete_in_tx(first, created(body));

  for (int i = 0; i < 2; ++i) {
    auto again = claim("user-1", "key-1", "fp-a");
    ASSERT_EQ(again.kind, Kind::Replay);
    ASSERT_TRUE(again.response);
    EXPECT_EQ(again.response->status, 201);
    EXPECT_EQ(again.response->body, body);
    EXPECT_EQ(again.response->content_type, "application/json");
  }
  EXPECT_EQ(count_keys(), "1");
}

TEST_F(IdempotencyStoreTest, SameKeyOtherRequestIsAMismatch_WhileInFlightAndOnceCompleted) {
  auto first = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(first.kind, Kind::Fresh);
  EXPECT_EQ(claim("user-1", "key-1", "fp-b").kind, Kind::Mismatch);

  complete_in_tx(first, created("{}"));
  auto other = claim("user-1", "key-1", "fp-b");
  EXPECT_EQ(other.kind, Kind::Mismatch);
  EXPECT_FALSE(other.response);
  // The original request still replays.
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Replay);
}

TEST_F(IdempotencyStoreTest, SecondClaimWhileTheFirstRunsIsInFlight) {
  ASSERT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Fresh);
  clock_.advance(59s);  // still within stale_after (60 s)
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::InFlight);
}

TEST_F(IdempotencyStoreTest, FiftyConcurrentClaimsOfOneKey_ExactlyOneIsFresh) {
  // Two pools, as two processes would race.
  auto other = other_store();
  std::mutex mutex;
  std::vector<Claim> claims;
  for (int i = 0; i < 50; ++i) {
    IdempotencyStore& store = i % 2 ? *other : *store_;
    asio::co_spawn(io_, store.claim("user-1", "same-key", "fp-a"), [&](std::exception_ptr e, Claim c) {
      if (e) {
        ADD_FAILURE() << "claim threw";
        return;
      }
      std::lock_guard lock(mutex);
      claims.push_back(std::move(c));
    });
  }
  run([]() -> asio::awaitable<void> { co_return; }());

  ASSERT_EQ(claims.size(), 50u);
  int fresh = 0, in_flight = 0;
  for (const auto& c : claims) {
    fresh += c.kind == Kind::Fresh;
    in_flight += c.kind == Kind::InFlight;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(in_flight, 49);
  EXPECT_EQ(count_keys(), "1");
}

TEST_F(IdempotencyStoreTest, CompleteInARolledBackTransactionLeavesTheClaimInFlight_ReleaseFreesTheKey) {
  auto first = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(first.kind, Kind::Fresh);
  complete_in_tx(first, created("{\"id\":1}"), /*commit=*/false);

  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::InFlight);
  EXPECT_EQ(db_.value("SELECT state FROM alpha.idempotency_keys"), "in_flight");

  run(store_->release(first));
  EXPECT_EQ(count_keys(), "0");
  auto retry = claim("user-1", "key-1", "fp-a");
  EXPECT_EQ(retry.kind, Kind::Fresh);
  // A retry may even send another body: the released key is bound to nothing.
  run(store_->release(retry));
  EXPECT_EQ(claim("user-1", "key-1", "fp-b").kind, Kind::Fresh);
}

TEST_F(IdempotencyStoreTest, CompleteOutsideATransactionIsReplayedToo) {
  auto first = claim("user-1", "key-1", "fp-a");
  StoredResponse rejected;
  rejected.status = 422;
  rejected.body = R"({"type":"/problems/validation-error"})";
  rejected.content_type = "application/problem+json";
  run(store_->complete(first, rejected));
  auto again = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(again.kind, Kind::Replay);
  EXPECT_EQ(again.response->status, 422);
  EXPECT_EQ(again.response->body, rejected.body);
  EXPECT_EQ(again.response->content_type, "application/problem+json");
}

TEST_F(IdempotencyStoreTest, StaleClaimIsTakenOverByExactlyOneOfTwoContenders) {
  auto crashed = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(crashed.kind, Kind::Fresh);
  clock_.advance(61s);

  auto other = other_store();
  std::mutex mutex;
  std::vector<Claim> claims;
  for (IdempotencyStore* store : {store_.get(), other.get()}) {
    asio::co_spawn(io_, store->claim("user-1", "key-1", "fp-a"), [&](std::exception_ptr e, Claim c) {
      ASSERT_FALSE(e);
      std::lock_guard lock(mutex);
      claims.push_back(std::move(c));
    });
  }
  run([]() -> asio::awaitable<void> { co_return; }());
  ASSERT_EQ(claims.size(), 2u);
  const bool first_won = claims[0].kind == Kind::Fresh;
  const Claim& winner = first_won ? claims[0] : claims[1];
  const Claim& loser = first_won ? claims[1] : claims[0];
  EXPECT_EQ(winner.kind, Kind::Fresh);
  EXPECT_EQ(loser.kind, Kind::InFlight);
  EXPECT_NE(winner.locked_at, crashed.locked_at);

  // The original owner, waking up late, can neither complete nor release its successor's claim.
  EXPECT_THROW(complete_in_tx(crashed, created("{\"late\":true}")), ClaimLost);
  run(store_->release(crashed));
  EXPECT_EQ(count_keys(), "1");

  complete_in_tx(winner, created("{\"winner\":true}"));
  auto replay = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(replay.kind, Kind::Replay);
  EXPECT_EQ(replay.response->body, "{\"winner\":true}");
}

TEST_F(IdempotencyStoreTest, ACompletedKeyIsNeverTakenOver) {
  auto first = claim("user-1", "key-1", "fp-a");
  complete_in_tx(first, created("{}"));
  clock_.advance(10min);
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Replay);
}

TEST_F(IdempotencyStoreTest, KeysOfTwoScopesDoNotCollide) {
  auto alice = claim("user-alice", "shared-key", "fp-a");
  auto bob = claim("user-bob", "shared-key", "fp-b");
  EXPECT_EQ(alice.kind, Kind::Fresh);
  EXPECT_EQ(bob.kind, Kind::Fresh);
  complete_in_tx(alice, created("{\"who\":\"alice\"}"));
  complete_in_tx(bob, created("{\"who\":\"bob\"}"));
  EXPECT_EQ(claim("user-alice", "shared-key", "fp-a").response->body, "{\"who\":\"alice\"}");
  EXPECT_EQ(claim("user-bob", "shared-key", "fp-b").response->body, "{\"who\":\"bob\"}");
}

TEST_F(IdempotencyStoreTest, KeysOfTwoModulesLiveInTheirOwnSchemas) {
  IdempotencyStore beta(*pool_, clock_, "beta");
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Fresh);
  EXPECT_EQ(claim("user-1", "key-1", "fp-b", &beta).kind, Kind::Fresh);
  EXPECT_EQ(count_keys("alpha"), "1");
  EXPECT_EQ(count_keys("beta"), "1");
}

TEST_F(IdempotencyStoreTest, PurgeRemovesOnlyKeysPastRetention) {
  auto old_done = claim("user-1", "old-done", "fp");
  complete_in_tx(old_done, created("{}"));
  claim("user-1", "old-abandoned", "fp");
  clock_.advance(23h);
  auto recent = claim("user-1", "recent", "fp");
  complete_in_tx(recent, created("{}"));
  clock_.advance(1h + 1s);  // the first two are now 24 h 1 s old, "recent" 1 h 1 s

  EXPECT_EQ(run(store_->purge()), 2u);
  EXPECT_EQ(db_.column("SELECT key FROM alpha.idempotency_keys"), std::vector<std::string>{"recent"});
  EXPECT_EQ(run(store_->purge()), 0u);
  // A purged key is new again.
  EXPECT_EQ(claim("user-1", "old-done", "fp-other").kind, Kind::Fresh);
}

TEST_F(IdempotencyStoreTest, PurgeDeletesInBatchesUntilNothingIsLeft) {
  db_.exec(
      "INSERT INTO alpha.idempotency_keys (scope, key, fingerprint, state, created_at, locked_at, updated_at) "
      "SELECT 'bulk', 'k' || i, 'fp', 'in_flight', now() - interval '2 days', now(), now() "
      "FROM generate_series(1, 2500) AS i");
  EXPECT_EQ(run(store_->purge()), 2500u);
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, PeriodicPurgeRunsInTheBackgroundAndStops) {
  claim("user-1", "old", "fp");
  clock_.advance(25h);
  auto purge = PeriodicPurge::create(io_.get_executor(), *store_, 20ms);
  purge->start();
  run([&]() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 250 && count_keys() != "0"; ++i) {
      timer.expires_after(20ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_await purge->stop();
  }());
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, InvalidKeyIsABadRequest) {
  EXPECT_THROW(claim("user-1", "", "fp"), BadRequest);
  EXPECT_THROW(claim("user-1", "has space", "fp"), BadRequest);
  EXPECT_THROW(claim("user-1", std::string(256, 'k'), "fp"), BadRequest);
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, MisuseIsAProgrammingError) {
  auto first = claim("user-1", "key-1", "fp-a");
  auto in_flight = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(in_flight.kind, Kind::InFlight);
  EXPECT_THROW(run(store_->complete(in_flight, created("{}"))), std::logic_error);
  EXPECT_THROW(run(store_->release(in_flight)), std::logic_error);
  // A transaction of another module cannot record an alpha key.
  EXPECT_THROW(run([&]() -> asio::awaitable<void> {
                 auto tx = co_await pool_->begin("beta");
                 co_await store_->complete(tx, first, created("{}"));
               }()),
               std::logic_error);
  EXPECT_THROW(IdempotencyStore(*pool_, clock_, "alpha; DROP TABLE x", {}), std::invalid_argument);
  IdempotencyOptions short_retention;
  short_retention.retention = std::chrono::hours(1);
  EXPECT_THROW(IdempotencyStore(*pool_, clock_, "alpha", short_retention), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::idempotency
