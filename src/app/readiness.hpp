#pragma once
// /health/ready: the database answers and every migration this binary knows is applied.

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <vector>

#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"

namespace nelo::app {

struct Readiness {
  struct Report {
    bool database = false;
    bool migrations = false;
    bool ready() const { return database && migrations; }
  };

  Readiness(db::Pool& pool, std::vector<db::SchemaMigrations> schemas) : pool_(pool), schemas_(std::move(schemas)) {}

  boost::asio::awaitable<Report> check();
  // After a successful migration at start-up there is nothing left to verify.
  void mark_migrated() { migrated_ = true; }

 private:
  db::Pool& pool_;
  std::vector<db::SchemaMigrations> schemas_;
  // Once applied, migrations stay applied: only the database needs probing afterwards.
  std::atomic<bool> migrated_{false};
};

}  // namespace nelo::app
