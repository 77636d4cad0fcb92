// IdempotencyStore against a real PostgreSQL: what a key says, the answer's transactional fate
// (stored with the work or not at all), the races between requests with one key (in flight while
// the winner's transaction is open, its answer once committed, 50 at once), a crashed winner,
// the upgrade from in-flight claims, scopes and retention. Two scratch module schemas get the
// idempotency templates like every module does, and a table standing for the business writes.

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
#include "core/db/module_db.hpp"
#include "core/db/params.hpp"
#include "core/db/pool.hpp"
#include "core/errors.hpp"
#include "core/http/request.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/optional_key.hpp"
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
    db_.exec("CREATE TABLE alpha.work (request text NOT NULL); GRANT ALL ON alpha.work TO nelo_alpha");
    store_ = std::make_unique<IdempotencyStore>(module_db(*pool_, "alpha"), clock_);
  }

  void TearDown() override {
    for (auto& p : extra_pools_) p->close();
    pool_->close();
  }

  std::shared_ptr<db::Pool> make_pool(std::size_t size = 10, std::string application_name = "nelo-idempotency-test") {
    db::PoolOptions options;
    options.conninfo = db_.conninfo();
    options.max_size = size;
    options.acquire_timeout = 10s;
    options.application_name = std::move(application_name);
    return db::Pool::create(io_.get_executor(), options);
  }

  // Another "process": its own pool and its own store on the same table.
  std::unique_ptr<IdempotencyStore> other_store() {
    extra_pools_.push_back(make_pool());
    return std::make_unique<IdempotencyStore>(module_db(*extra_pools_.back(), "alpha"), clock_);
  }

  // A module's handle over `pool`, as the composition root makes it; lives as long as the test.
  db::ModuleDb& module_db(db::Pool& pool, std::string module) {
    module_dbs_.push_back(std::make_unique<db::ModuleDb>(pool, std::move(module)));
    return *module_dbs_.back();
  }

  asio::awaitable<void> migrate() {
    std::vector<db::SchemaMigrations> schemas;
    for (const char* m : {"alpha", "beta"}) schemas.push_back({m, schema_templates(), {}});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  asio::awaitable<void> migrate_gamma() {
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"gamma", schema_templates(), {}});
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

  // The operation a Fresh claim allows: a business write (a row in alpha.work naming `request`)
  // and the key's answer, committed together. Returns the key's verdict.
  Claim work_and_commit(const Claim& c, StoredResponse response, const std::string& request = "r",
                        IdempotencyStore* store = nullptr, db::Pool* pool = nullptr) {
    return run(work_then_commit(store ? *store : *store_, pool ? *pool : *pool_, c, std::move(response), request));
  }

  static asio::awaitable<Claim> work_then_commit(IdempotencyStore& store, db::Pool& pool, Claim c,
                                                 StoredResponse response, std::string request) {
    auto tx = co_await pool.begin("alpha");
    db::Params values = db::params(request);
    co_await tx.execute("INSERT INTO alpha.work (request) VALUES ($1)", values);
    co_return co_await store.commit(tx, c, std::move(response));
  }

  std::string count_work() { return db_.value("SELECT count(*) FROM alpha.work"); }

  std::string count_keys(const std::string& schema = "alpha") {
    return db_.value("SELECT count(*) FROM " + schema + ".idempotency_keys");
  }

  nelo::test::TestDatabase db_;
  asio::io_context io_;
  ManualClock clock_;
  std::shared_ptr<db::Pool> pool_;
  std::vector<std::shared_ptr<db::Pool>> extra_pools_;
  std::vector<std::unique_ptr<db::ModuleDb>> module_dbs_;
  std::unique_ptr<IdempotencyStore> store_;
};

TEST_F(IdempotencyStoreTest, TemplatesCreateTheTableAndItsLockOwnedByTheModuleRole) {
  EXPECT_EQ(db_.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'alpha' AND tablename = 'idempotency_keys'"),
            "nelo_alpha");
  EXPECT_EQ(db_.value("SELECT tableowner FROM pg_tables WHERE schemaname = 'beta' AND tablename = 'idempotency_keys'"),
            "nelo_beta");
  EXPECT_EQ(db_.value("SELECT count(*) FROM alpha.schema_migrations WHERE name LIKE 'template:idempotency_%'"), "2");
  EXPECT_EQ(db_.value("SELECT proowner::regrole FROM pg_proc WHERE oid = 'alpha.lock_idempotency_key'::regproc"),
            "nelo_alpha");
}

TEST_F(IdempotencyStoreTest, FreshThenReplayWithTheIdenticalResponse) {
  auto first = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(first.kind, Kind::Fresh);
  EXPECT_EQ(first.scope, "user-1");
  EXPECT_EQ(first.key, "key-1");
  EXPECT_FALSE(first.response);

  const std::string body = "{\"id\":\"8f3c\",\"total\":{\"amount\":1250,\"currency\":\"EUR\"},\"note\":\"caf\xc3\xa9\"}";
  EXPECT_EQ(work_and_commit(first, created(body)).kind, Kind::Fresh) << "this request's answer was stored";

  for (int i = 0; i < 2; ++i) {
    auto again = claim("user-1", "key-1", "fp-a");
    ASSERT_EQ(again.kind, Kind::Replay);
    ASSERT_TRUE(again.response);
    EXPECT_EQ(again.response->status, 201);
    EXPECT_EQ(again.response->body, body);
    EXPECT_EQ(again.response->content_type, "application/json");
  }
  EXPECT_EQ(count_keys(), "1");
  EXPECT_EQ(count_work(), "1");
}

TEST_F(IdempotencyStoreTest, LookingAKeyUpWritesNothing) {
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Fresh);
  EXPECT_EQ(claim("user-1", "key-1", "fp-b").kind, Kind::Fresh);
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, SameKeyOtherRequestIsAMismatchOnceCompleted) {
  work_and_commit(claim("user-1", "key-1", "fp-a"), created("{}"));
  auto other = claim("user-1", "key-1", "fp-b");
  EXPECT_EQ(other.kind, Kind::Mismatch);
  EXPECT_FALSE(other.response);
  // The original request still replays.
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").kind, Kind::Replay);
}

TEST_F(IdempotencyStoreTest, WhileAnotherTransactionHoldsTheKeyItIsInFlight_AndTheLoserKeepsNothing) {
  auto mine = claim("user-1", "key-1", "fp-a");
  run([&]() -> asio::awaitable<void> {
    // The winner: its transaction holds the key and is still open.
    auto winner = co_await pool_->begin("alpha");
    db::Params key = db::params(std::string("user-1"), std::string("key-1"));
    co_await winner.execute("SELECT alpha.lock_idempotency_key($1, $2)", key);

    auto response = created("{\"loser\":true}");
    auto verdict = co_await work_then_commit(*store_, *pool_, mine, std::move(response), "loser");
    EXPECT_EQ(verdict.kind, Kind::InFlight);
    co_await winner.rollback();
  }());
  EXPECT_EQ(count_work(), "0") << "the loser's business writes were rolled back";
  EXPECT_EQ(count_keys(), "0");
  // The winner gave up (rolled back): the key is free at once.
  EXPECT_EQ(work_and_commit(mine, created("{\"retry\":true}"), "retry").kind, Kind::Fresh);
  EXPECT_EQ(claim("user-1", "key-1", "fp-a").response->body, "{\"retry\":true}");
}

TEST_F(IdempotencyStoreTest, OnceAnotherRequestCommittedItsAnswerIsTheVerdict) {
  // Both looked the key up before either wrote.
  auto first = claim("user-1", "key-1", "fp-a");
  auto same = claim("user-1", "key-1", "fp-a");
  auto other_body = claim("user-1", "key-1", "fp-b");
  ASSERT_EQ(work_and_commit(first, created("{\"first\":true}"), "first").kind, Kind::Fresh);

  auto replay = work_and_commit(same, created("{\"second\":true}"), "second");
  ASSERT_EQ(replay.kind, Kind::Replay);
  EXPECT_EQ(replay.response->body, "{\"first\":true}");
  EXPECT_EQ(work_and_commit(other_body, created("{\"third\":true}"), "third").kind, Kind::Mismatch);
  EXPECT_EQ(db_.column("SELECT request FROM alpha.work"), std::vector<std::string>{"first"});
}

TEST_F(IdempotencyStoreTest, FiftyConcurrentRequestsWithOneKey_ExactlyOneIsStored) {
  // Two pools, as two processes would race; each request looks up, works and commits.
  auto other = other_store();
  std::mutex mutex;
  std::vector<Claim> verdicts;
  for (int i = 0; i < 50; ++i) {
    IdempotencyStore& store = i % 2 ? *other : *store_;
    db::Pool& pool = i % 2 ? *extra_pools_.back() : *pool_;
    auto request = [](IdempotencyStore& store, db::Pool& pool, std::string name) -> asio::awaitable<Claim> {
      auto c = co_await store.claim("user-1", "same-key", "fp-a");
      if (c.kind != Kind::Fresh) co_return c;
      auto response = created("{\"by\":\"" + name + "\"}");
      co_return co_await work_then_commit(store, pool, c, std::move(response), name);
    };
    asio::co_spawn(io_, request(store, pool, "request-" + std::to_string(i)), [&](std::exception_ptr e, Claim c) {
      if (e) {
        ADD_FAILURE() << "a request threw";
        return;
      }
      std::lock_guard lock(mutex);
      verdicts.push_back(std::move(c));
    });
  }
  run([]() -> asio::awaitable<void> { co_return; }());

  ASSERT_EQ(verdicts.size(), 50u);
  int stored = 0, replayed = 0, in_flight = 0;
  for (const auto& c : verdicts) {
    stored += c.kind == Kind::Fresh;
    replayed += c.kind == Kind::Replay;
    in_flight += c.kind == Kind::InFlight;
  }
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(stored + replayed + in_flight, 50);
  EXPECT_EQ(count_keys(), "1");
  ASSERT_EQ(count_work(), "1");
  const auto winner = db_.value("SELECT request FROM alpha.work");
  EXPECT_EQ(claim("user-1", "same-key", "fp-a").response->body, "{\"by\":\"" + winner + "\"}");
  for (const auto& c : verdicts) {
    if (c.kind == Kind::Replay) {
      EXPECT_EQ(c.response->body, "{\"by\":\"" + winner + "\"}");
    }
  }
}

TEST_F(IdempotencyStoreTest, AFailedOrCrashedRequestLeavesTheKeyFreeAtOnce) {
  auto first = claim("user-1", "key-1", "fp-a");
  // A business write fails: nothing of the transaction, the key's answer included, is kept.
  EXPECT_THROW(run([&]() -> asio::awaitable<void> {
                 auto tx = co_await pool_->begin("alpha");
                 co_await tx.execute("SELECT 1/0");
                 auto response = created("{}");
                 co_await store_->commit(tx, first, std::move(response));
               }()),
               std::exception);
  EXPECT_EQ(count_keys(), "0");

  // A request whose process dies while its transaction holds the key: the server ends the
  // transaction, and the lock with it.
  auto crashing = make_pool(2, "nelo-idempotency-crash");
  run([&]() -> asio::awaitable<void> {
    auto tx = co_await crashing->begin("alpha");
    db::Params key = db::params(std::string("user-1"), std::string("key-1"));
    co_await tx.execute("SELECT alpha.lock_idempotency_key($1, $2)", key);
    db_.exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
             "WHERE application_name = 'nelo-idempotency-crash'");
  }());
  crashing->close();
  // A retry with another body is welcome too: the key is bound to nothing yet.
  auto retry = claim("user-1", "key-1", "fp-b");
  ASSERT_EQ(retry.kind, Kind::Fresh);
  EXPECT_EQ(work_and_commit(retry, created("{\"retry\":true}")).kind, Kind::Fresh);
}

TEST_F(IdempotencyStoreTest, RecordOutsideATransactionIsReplayedToo) {
  auto first = claim("user-1", "key-1", "fp-a");
  StoredResponse rejected;
  rejected.status = 422;
  rejected.body = R"({"type":"/problems/validation-error"})";
  rejected.content_type = "application/problem+json";
  EXPECT_EQ(run(store_->record(first, rejected)).kind, Kind::Fresh);
  auto again = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(again.kind, Kind::Replay);
  EXPECT_EQ(again.response->status, 422);
  EXPECT_EQ(again.response->body, rejected.body);
  EXPECT_EQ(again.response->content_type, "application/problem+json");
  // A second refusal of the same request finds the first one stored.
  EXPECT_EQ(run(store_->record(first, rejected)).kind, Kind::Replay);
}

TEST_F(IdempotencyStoreTest, KeysOfTwoScopesDoNotCollide) {
  auto alice = claim("user-alice", "shared-key", "fp-a");
  auto bob = claim("user-bob", "shared-key", "fp-b");
  EXPECT_EQ(work_and_commit(alice, created("{\"who\":\"alice\"}")).kind, Kind::Fresh);
  EXPECT_EQ(work_and_commit(bob, created("{\"who\":\"bob\"}")).kind, Kind::Fresh);
  EXPECT_EQ(claim("user-alice", "shared-key", "fp-a").response->body, "{\"who\":\"alice\"}");
  EXPECT_EQ(claim("user-bob", "shared-key", "fp-b").response->body, "{\"who\":\"bob\"}");
}

TEST_F(IdempotencyStoreTest, KeysOfTwoModulesLiveInTheirOwnSchemas) {
  IdempotencyStore beta(module_db(*pool_, "beta"), clock_);
  EXPECT_EQ(run(store_->record(claim("user-1", "key-1", "fp-a"), created("{}"))).kind, Kind::Fresh);
  EXPECT_EQ(run(beta.record(claim("user-1", "key-1", "fp-b", &beta), created("{}"))).kind, Kind::Fresh);
  EXPECT_EQ(count_keys("alpha"), "1");
  EXPECT_EQ(count_keys("beta"), "1");
}

TEST_F(IdempotencyStoreTest, UpgradeFreesClaimsOfTheEarlierProtocolAndKeepsAnswers) {
  // A schema at the first template, with rows as the earlier protocol left them.
  run([&]() -> asio::awaitable<void> {
    std::vector<db::SchemaMigrations> first_only;
    first_only.push_back({"gamma", {schema_templates().front()}, {}});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(first_only);
  }());
  db_.exec(
      "INSERT INTO gamma.idempotency_keys (scope, key, fingerprint, state, response_status, response_body, "
      "response_content_type, created_at, locked_at, updated_at) VALUES "
      "('user-1', 'done', 'fp', 'completed', 201, '{\"id\":1}', 'application/json', now(), now(), now()), "
      "('user-1', 'abandoned', 'fp', 'in_flight', NULL, NULL, NULL, now(), now(), now())");
  run(migrate_gamma());

  IdempotencyStore gamma(module_db(*pool_, "gamma"), clock_);
  auto done = claim("user-1", "done", "fp", &gamma);
  ASSERT_EQ(done.kind, Kind::Replay);
  EXPECT_EQ(done.response->body, "{\"id\":1}");
  EXPECT_EQ(claim("user-1", "abandoned", "fp", &gamma).kind, Kind::Fresh);
}

TEST_F(IdempotencyStoreTest, PurgeRemovesOnlyKeysPastRetention) {
  run(store_->record(claim("user-1", "old-1", "fp"), created("{}")));
  run(store_->record(claim("user-1", "old-2", "fp"), created("{}")));
  clock_.advance(23h);
  run(store_->record(claim("user-1", "recent", "fp"), created("{}")));
  clock_.advance(1h + 1s);  // the first two are now 24 h 1 s old, "recent" 1 h 1 s

  EXPECT_EQ(run(store_->purge()), 2u);
  EXPECT_EQ(db_.column("SELECT key FROM alpha.idempotency_keys"), std::vector<std::string>{"recent"});
  EXPECT_EQ(run(store_->purge()), 0u);
  // A purged key is new again.
  EXPECT_EQ(claim("user-1", "old-1", "fp-other").kind, Kind::Fresh);
}

TEST_F(IdempotencyStoreTest, PurgeDeletesInBatchesUntilNothingIsLeft) {
  db_.exec(
      "INSERT INTO alpha.idempotency_keys (scope, key, fingerprint, response_status, response_body, "
      "response_content_type, created_at) "
      "SELECT 'bulk', 'k' || i, 'fp', 201, '{}', 'application/json', now() - interval '2 days' "
      "FROM generate_series(1, 2500) AS i");
  EXPECT_EQ(run(store_->purge()), 2500u);
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, PeriodicPurgeRunsInTheBackgroundAndStops) {
  run(store_->record(claim("user-1", "old", "fp"), created("{}")));
  clock_.advance(25h);
  auto purge = periodic_purge(io_.get_executor(), *store_, 20ms);
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
  run(store_->record(first, created("{}")));
  auto replay = claim("user-1", "key-1", "fp-a");
  ASSERT_EQ(replay.kind, Kind::Replay);
  EXPECT_THROW(run(store_->record(replay, created("{}"))), std::logic_error);
  EXPECT_THROW(work_and_commit(replay, created("{}")), std::logic_error);
  // A transaction of another module cannot record an alpha key.
  auto fresh = claim("user-1", "key-2", "fp-a");
  EXPECT_THROW(run([&]() -> asio::awaitable<Claim> {
                 auto tx = co_await pool_->begin("beta");
                 auto response = created("{}");
                 co_return co_await store_->commit(tx, fresh, std::move(response));
               }()),
               std::logic_error);
  EXPECT_THROW(IdempotencyStore(module_db(*pool_, "alpha; DROP TABLE x"), clock_, {}), std::invalid_argument);
  IdempotencyOptions short_retention;
  short_retention.retention = std::chrono::hours(1);
  EXPECT_THROW(IdempotencyStore(module_db(*pool_, "alpha"), clock_, short_retention), std::invalid_argument);
}

// --- OptionalKey: the creating POSTs' optional header ---

http::Request post(const std::string& body, std::optional<std::string> key, const std::string& user = "user-1") {
  http::Request r;
  r.method = "POST";
  r.path = "/things";
  r.body = body;
  if (key) r.headers.emplace_back("idempotency-key", *key);
  Principal p;
  p.user_id = user;
  r.principal = p;
  return r;
}

std::optional<std::string> header_of(const http::Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

http::Response thing_created(const std::string& request) {
  http::Response r;
  r.status = 201;
  r.body = "{\"made_by\":\"" + request + "\"}";
  r.with_header("Location", "/things/" + request);
  return r;
}

// What a service does: create (a row in alpha.work) and end the transaction with `commit`.
asio::awaitable<std::string> make_thing(db::Pool& pool, std::string name, db::CommitStep<std::string> commit) {
  auto tx = co_await pool.begin("alpha");
  db::Params values = db::params(name);
  co_await tx.execute("INSERT INTO alpha.work (request) VALUES ($1)", values);
  co_await commit(tx, name);
  co_return name;
}

// What a creating route does.
asio::awaitable<http::Response> create_thing(IdempotencyStore& store, db::Pool& pool, http::Request request,
                                             std::string name) {
  co_return co_await OptionalKey::respond<std::string>(
      store, request, thing_created,
      [&](db::CommitStep<std::string> commit) { return make_thing(pool, name, std::move(commit)); });
}

TEST_F(IdempotencyStoreTest, OptionalKey_WithoutAKeyEveryRequestCreates) {
  for (const char* name : {"one", "two"}) {
    auto response = run(create_thing(*store_, *pool_, post("{}", std::nullopt), name));
    EXPECT_EQ(response.status, 201);
    EXPECT_EQ(response.body, std::string("{\"made_by\":\"") + name + "\"}");
    EXPECT_FALSE(header_of(response, "Idempotent-Replayed"));
  }
  EXPECT_EQ(count_work(), "2");
  EXPECT_EQ(count_keys(), "0");
}

TEST_F(IdempotencyStoreTest, OptionalKey_ARetryGetsTheFirst201AndItsLocation) {
  auto first = run(create_thing(*store_, *pool_, post("{\"a\":1}", "k-1"), "first"));
  ASSERT_EQ(first.status, 201);
  auto again = run(create_thing(*store_, *pool_, post("{\"a\":1}", "k-1"), "second"));
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(header_of(again, "Location").value_or(""), "/things/first");
  EXPECT_EQ(header_of(again, "Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(count_work(), "1");
  try {
    run(create_thing(*store_, *pool_, post("{\"a\":2}", "k-1"), "third"));
    ADD_FAILURE() << "another body with the key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Invalid);
    EXPECT_EQ(e.type(), "idempotency-key-reused");
  }
  EXPECT_THROW(run(create_thing(*store_, *pool_, post("{}", std::string("bad key")), "x")), BadRequest);
  EXPECT_EQ(count_work(), "1");
}

TEST_F(IdempotencyStoreTest, OptionalKey_ALateRequestAnswersTheWinnersResponseAndKeepsNothing) {
  // The late request read the key before the winner committed, then lost at its own commit.
  auto late_request = post("{}", "k-2");
  auto late = run(OptionalKey::read(*store_, late_request));
  ASSERT_FALSE(late.answered());
  ASSERT_EQ(run(create_thing(*store_, *pool_, post("{}", "k-2"), "winner")).status, 201);

  run([&]() -> asio::awaitable<void> {
    db::CommitStep<std::string> commit = late.commit<std::string>(thing_created);
    auto tx = co_await pool_->begin("alpha");
    db::Params values = db::params(std::string("late"));
    co_await tx.execute("INSERT INTO alpha.work (request) VALUES ($1)", values);
    bool superseded = false;
    try {
      co_await commit(tx, std::string("late"));
    } catch (const Superseded&) {
      superseded = true;
    }
    EXPECT_TRUE(superseded);
  }());
  auto answer = late.take_response();
  EXPECT_EQ(answer.body, "{\"made_by\":\"winner\"}");
  EXPECT_EQ(header_of(answer, "Idempotent-Replayed").value_or(""), "true");
  EXPECT_EQ(db_.column("SELECT request FROM alpha.work"), std::vector<std::string>{"winner"});
}

}  // namespace
}  // namespace nelo::idempotency
