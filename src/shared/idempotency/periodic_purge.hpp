#pragma once
// The background purge of a module's expired idempotency keys: IdempotencyStore::purge() every
// `interval`, as a PeriodicTask (start() from Module::start(), co_await stop() from
// Module::stop(); a failed purge is logged and tried again at the next interval).

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

#include "shared/idempotency/idempotency_store.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::idempotency {

// `store` must outlive the task until its stop() returned.
std::shared_ptr<PeriodicTask> periodic_purge(boost::asio::any_io_executor executor, IdempotencyStore& store,
                                             std::chrono::milliseconds interval = std::chrono::hours(1));

}  // namespace nelo::idempotency
