#include "shared/idempotency/periodic_purge.hpp"

#include <boost/asio/awaitable.hpp>
#include <spdlog/spdlog.h>

#include <utility>

namespace nelo::idempotency {
namespace {

boost::asio::awaitable<void> purge(IdempotencyStore& store) {
  const auto purged = co_await store.purge();
  if (purged > 0) spdlog::info("idempotency: purged {} expired keys", purged);
}

}  // namespace

std::shared_ptr<PeriodicTask> periodic_purge(boost::asio::any_io_executor executor, IdempotencyStore& store,
                                             std::chrono::milliseconds interval) {
  return PeriodicTask::create(std::move(executor), "idempotency: purge", interval, [&store] { return purge(store); });
}

}  // namespace nelo::idempotency
