#pragma once
// Shared set-up for the db_*_pgtest suites: a fresh database, an io_context, pools on it.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "support/run_async.hpp"
#include "support/test_database.hpp"

namespace nelo::test {

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

class DbTest : public ::testing::Test {
 protected:
  // Declaration order matters: pools die before the io_context, the database last.
  TestDatabase database;
  boost::asio::io_context io;
  std::vector<std::shared_ptr<db::Pool>> pools;

  db::PoolOptions options(std::size_t max_size = 4) const {
    db::PoolOptions o;
    o.conninfo = database.conninfo();
    o.max_size = max_size;
    o.acquire_timeout = std::chrono::milliseconds(2000);
    o.application_name = "nelo-test";
    return o;
  }
  std::shared_ptr<db::Pool> make_pool(db::PoolOptions o) {
    pools.push_back(db::Pool::create(io.get_executor(), std::move(o)));
    return pools.back();
  }
  std::shared_ptr<db::Pool> make_pool(std::size_t max_size = 4) { return make_pool(options(max_size)); }

  template <class T>
  T run(boost::asio::awaitable<T> work, std::size_t threads = 1) {
    return run_async(io, std::move(work), threads);
  }

  // Creates schema + role for each module, with the given files.
  db::MigrationReport migrate(db::Pool& pool, const std::vector<db::SchemaMigrations>& schemas) {
    db::Migrator migrator(pool);
    return run(migrator.migrate(schemas));
  }

  ~DbTest() override {
    for (auto& p : pools) p->close();
    pools.clear();
  }
};

}  // namespace nelo::test
