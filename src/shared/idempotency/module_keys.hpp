#pragma once
// A module's idempotency keys: its store (<module>.idempotency_keys) and, while the module runs,
// the background purge of expired keys. start() from Module::start(), co_await stop() from
// Module::stop().

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "shared/idempotency/idempotency_store.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo {
class PeriodicTask;
}

namespace nelo::idempotency {

class ModuleKeys {
 public:
  ModuleKeys(db::ModuleDb& db, const Clock& clock, boost::asio::any_io_executor executor,
             std::chrono::milliseconds purge_interval = std::chrono::hours(1));
  ~ModuleKeys();

  IdempotencyStore& store() noexcept { return store_; }

  void start();
  boost::asio::awaitable<void> stop();

 private:
  IdempotencyStore store_;
  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds purge_interval_;
  std::shared_ptr<PeriodicTask> purge_;
};

}  // namespace nelo::idempotency
