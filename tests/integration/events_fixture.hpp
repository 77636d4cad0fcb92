#pragma once
// Shared set-up of the event bus pg tests: a fresh database with three module schemas ("alpha"
// publishes, "beta" and "gamma" subscribe), each with the event tables and a small `things`
// table, a pool, and helpers to publish, wait for a condition without sleeping the loop, and read
// the database.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "core/metrics/registry.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/events/schema_templates.hpp"
#include "support/bus_sql.hpp"
#include "support/eventually.hpp"
#include "support/run_async.hpp"
#include "support/test_bus_options.hpp"
#include "support/test_database.hpp"

namespace nelo::events::test {

using nelo::test::eventually;

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

inline const std::vector<std::string> kModules = {"alpha", "beta", "gamma"};

// Applied like the event templates, so each test schema gets its own copy.
inline constexpr std::string_view kThingsTemplate = R"sql(
CREATE TABLE {schema}.things (
  id         bigserial   PRIMARY KEY,
  event_id   uuid        UNIQUE,
  note       text        NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
)sql";

// A handler that records the event in the subscriber's `things` table (so its effect commits or
// rolls back with the inbox row) and counts its runs.
inline Handler recording_handler(std::shared_ptr<std::atomic<int>> runs) {
  return [runs](db::Transaction& tx, const Event& event) -> asio::awaitable<void> {
    runs->fetch_add(1);
    db::Params values = db::params(event.id, event.name);
    co_await tx.execute("INSERT INTO " + tx.module() + ".things (event_id, note) VALUES ($1, $2)", values);
  };
}

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = make_pool();
    run(migrate());
  }

  void TearDown() override {
    for (auto& p : extra_pools_) p->close();
    if (pool_) pool_->close();
  }

  std::shared_ptr<db::Pool> make_pool(std::size_t size = 10) {
    db::PoolOptions options;
    options.conninfo = db_.conninfo();
    options.max_size = size;
    options.acquire_timeout = 5s;
    options.application_name = "nelo-events-test";
    return db::Pool::create(io_.get_executor(), options);
  }

  // A second "process": its own pool, so its connections and locks are its own.
  db::Pool& other_pool() {
    extra_pools_.push_back(make_pool());
    return *extra_pools_.back();
  }

  asio::awaitable<void> migrate() {
    std::vector<db::MigrationFile> templates = schema_templates();
    templates.push_back({"test_0001_things.sql", kThingsTemplate});
    std::vector<db::SchemaMigrations> schemas;
    for (const auto& m : kModules) schemas.push_back({m, templates, {}});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // The module fixtures' fast settings, with a longer retry cap and a short retention (the
  // retry and purge tests rely on both; they call purge() themselves), on the row path: every
  // event gets a delivery row per subscriber, which most of these tests read and write. The
  // stream tests (events_streams_pgtest.cpp) use streaming_options().
  static OutboxOptions fast_options(std::string instance_id) {
    OutboxOptions o = nelo::test::fast_bus_options(std::move(instance_id));
    o.retry_cap = 2s;
    o.retention = std::chrono::hours(1);
    o.streams = false;
    return o;
  }

  static OutboxOptions streaming_options(std::string instance_id) {
    OutboxOptions o = fast_options(std::move(instance_id));
    o.streams = true;
    return o;
  }

  // Opens the streams, then starts dispatching, as the server does: nothing published from now on
  // gets a delivery row.
  static asio::awaitable<void> start_streaming(OutboxEventBus& bus) {
    co_await bus.open_streams();
    bus.start();
  }

  std::unique_ptr<OutboxEventBus> make_bus(OutboxOptions options, db::Pool* pool = nullptr) {
    return std::make_unique<OutboxEventBus>(pool ? *pool : *pool_, io_.get_executor(), std::move(options), registry_,
                                            kModules);
  }

  std::unique_ptr<OutboxEventBus> make_bus(const std::string& instance_id = "test-instance") {
    return make_bus(fast_options(instance_id));
  }

  // Runs a test body to completion on two threads, like the server does.
  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  // The publisher's state change and its event in one alpha transaction.
  asio::awaitable<std::string> publish_thing(OutboxEventBus& bus, std::string note, bool commit = true,
                                             std::string name = "thing.created") {
    auto tx = co_await pool_->begin("alpha");
    db::Params values = db::params(note);
    co_await tx.execute("INSERT INTO alpha.things (note) VALUES ($1)", values);
    json::object payload;
    payload["note"] = note;
    auto id = co_await bus.publish(tx, std::move(name), 1, std::move(payload));
    if (commit) {
      co_await tx.commit();
    } else {
      co_await tx.rollback();
    }
    co_return id;
  }

  // A backlog of `count` things noted "n0", "n1", ... published before the dispatcher starts (so it
  // is claimed in as few claims as options.batch_size allows), then delivered: starts the bus, waits
  // until each of alpha's deliveries (one subscriber's) is delivered, stops it. Returns the notes in
  // publish order.
  std::vector<std::string> deliver_backlog(OutboxEventBus& bus, int count) {
    std::vector<std::string> notes;
    run([&]() -> asio::awaitable<void> {
      for (int i = 0; i < count; ++i) {
        notes.push_back("n" + std::to_string(i));
        co_await publish_thing(bus, notes.back());
      }
      bus.start();
      co_await until_delivered(count, "the backlog delivered");
      co_await bus.stop();
    }());
    return notes;
  }

  // Lets the dispatcher run for a while (asserting that something does NOT happen).
  static asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(d);
    co_await timer.async_wait(asio::use_awaitable);
  }

  // First column of the first row, as the superuser (sees every schema).
  asio::awaitable<std::string> scalar(std::string sql, db::Params params = {}) {
    auto result = co_await pool_->execute_as_owner(sql, params);
    if (result.empty() || result.front().is_null(0)) co_return std::string();
    co_return std::string(result.front().text(0));
  }

  asio::awaitable<std::int64_t> count(std::string sql, db::Params params = {}) {
    auto text = co_await scalar(std::move(sql), std::move(params));
    co_return text.empty() ? 0 : std::stoll(text);
  }

  // Waits (failing the test after `timeout`) until `n` of alpha's deliveries are delivered: rows
  // marked delivered, and events a stream delivered (in a subscriber's inbox, with no row).
  asio::awaitable<void> until_delivered(std::int64_t n, const char* what,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    // Named, not a temporary in the co_await: g++ 12 would destroy it twice.
    auto all_delivered = [this, n]() -> asio::awaitable<bool> {
      co_return co_await count(kDeliveredFromAlpha) == n;
    };
    co_await eventually(all_delivered, what, timeout);
  }

  // A delivery row's status; without a row (a stream's event), "delivered" once the subscriber's
  // inbox holds the event, else "pending" while alpha's outbox does, else "".
  asio::awaitable<std::string> delivery_status(const std::string& event_id, const std::string& subscriber) {
    co_return co_await scalar(nelo::test::delivery_status_sql("alpha", event_id, subscriber));
  }

  static constexpr const char* kDeliveredFromAlpha = R"sql(
SELECT (SELECT count(*) FROM alpha.outbox_deliveries WHERE status = 'delivered')
  + (SELECT count(*) FROM beta.inbox AS i WHERE i.publisher = 'alpha' AND NOT EXISTS
      (SELECT 1 FROM alpha.outbox_deliveries AS d WHERE d.event_id = i.event_id AND d.subscriber = 'beta'))
  + (SELECT count(*) FROM gamma.inbox AS i WHERE i.publisher = 'alpha' AND NOT EXISTS
      (SELECT 1 FROM alpha.outbox_deliveries AS d WHERE d.event_id = i.event_id AND d.subscriber = 'gamma'))
)sql";

  // A scenario the row and the stream tests share: beta's handler stalls on the event noted
  // "stall" until released, gamma records every event. Publishes "stall", then, once beta is stuck
  // on it, "after"; waits until gamma has "after", notes beta's status of it, releases beta and
  // waits until beta has it too. `streaming`: opens the streams before starting.
  struct StalledSubscriberRun {
    std::string first;
    std::string second;
    std::string beta_second_status;  // while beta was stalled
    int gamma_runs = 0;
  };
  StalledSubscriberRun run_stalled_subscriber(OutboxEventBus& bus, bool streaming) {
    auto released = std::make_shared<std::atomic<bool>>(false);
    auto stalled = std::make_shared<std::atomic<bool>>(false);
    // At most 30 s, longer than eventually waits.
    bus.subscribe("beta", "thing.created", [released, stalled](db::Transaction&, const Event& e) -> asio::awaitable<void> {
      if (e.payload.at("note").as_string() != "stall") co_return;
      stalled->store(true);
      for (int i = 0; i < 3000 && !released->load(); ++i) co_await pause(10ms);
    });
    auto runs = std::make_shared<std::atomic<int>>(0);
    bus.subscribe("gamma", "thing.created", recording_handler(runs));
    StalledSubscriberRun r;
    run([&]() -> asio::awaitable<void> {
      if (streaming) co_await bus.open_streams();
      bus.start();
      r.first = co_await publish_thing(bus, "stall");
      co_await eventually([&]() -> asio::awaitable<bool> { co_return stalled->load(); }, "beta stalled");
      r.second = co_await publish_thing(bus, "after");
      co_await eventually(
          [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(r.second, "gamma") == "delivered"; },
          "gamma gets the second event while beta is stalled");
      r.beta_second_status = co_await delivery_status(r.second, "beta");
      released->store(true);
      co_await eventually(
          [&]() -> asio::awaitable<bool> { co_return co_await delivery_status(r.second, "beta") == "delivered"; },
          "beta catches up once released");
      co_await bus.stop();
    }());
    r.gamma_runs = runs->load();
    return r;
  }

  // `events` things noted "e0", "e1", ... published by `publishers` concurrent coroutines, event i
  // through buses[i % buses.size()], while every bus dispatches; waits until beta and gamma have
  // each of them, then stops the buses. `streaming`: opens the streams before starting.
  void publish_while_dispatching(std::vector<std::unique_ptr<OutboxEventBus>>& buses, int events, int publishers,
                                 bool streaming) {
    run([&]() -> asio::awaitable<void> {
      for (auto& b : buses) {
        if (streaming) co_await b->open_streams();
        b->start();
      }
      auto remaining = std::make_shared<int>(publishers);
      auto executor = co_await asio::this_coro::executor;
      asio::steady_timer all_published(executor, std::chrono::steady_clock::time_point::max());
      for (int p = 0; p < publishers; ++p) {
        asio::co_spawn(
            executor,
            [&, p]() -> asio::awaitable<void> {
              for (int i = p; i < events; i += publishers) {
                co_await publish_thing(*buses[static_cast<std::size_t>(i) % buses.size()], "e" + std::to_string(i));
              }
            },
            [&, remaining](std::exception_ptr e) {
              if (e) ADD_FAILURE() << "publishing failed";
              if (--*remaining == 0) all_published.cancel();
            });
      }
      boost::system::error_code ec;
      co_await all_published.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_await until_delivered(2 * events, "every event delivered to beta and gamma", 60s);
      co_await pause(300ms);
      for (auto& b : buses) co_await b->stop();
    }());
  }

  nelo::test::TestDatabase db_;
  asio::io_context io_;
  metrics::Registry registry_;
  std::shared_ptr<db::Pool> pool_;
  std::vector<std::shared_ptr<db::Pool>> extra_pools_;
};

}  // namespace nelo::events::test
