#include "app/readiness.hpp"

#include <spdlog/spdlog.h>

namespace nelo::app {

boost::asio::awaitable<Readiness::Report> Readiness::check() {
  Report report;
  report.database = co_await pool_.ping();
  if (report.database && !migrated_) {
    try {
      db::Migrator migrator(pool_);
      if (co_await migrator.up_to_date(schemas_)) migrated_ = true;
    } catch (const std::exception& e) {
      spdlog::warn("readiness: migrations check failed: {}", e.what());
    }
  }
  report.migrations = migrated_;
  co_return report;
}

}  // namespace nelo::app
