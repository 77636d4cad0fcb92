#include "shared/idempotency/module_keys.hpp"

#include <utility>

#include "shared/idempotency/periodic_purge.hpp"

namespace nelo::idempotency {

ModuleKeys::ModuleKeys(db::ModuleDb& db, const Clock& clock, boost::asio::any_io_executor executor,
                       std::chrono::milliseconds purge_interval)
    : store_(db, clock), executor_(std::move(executor)), purge_interval_(purge_interval) {}

ModuleKeys::~ModuleKeys() = default;

void ModuleKeys::start() {
  purge_ = periodic_purge(executor_, store_, purge_interval_);
  purge_->start();
}

boost::asio::awaitable<void> ModuleKeys::stop() {
  if (purge_) co_await purge_->stop();
}

}  // namespace nelo::idempotency
