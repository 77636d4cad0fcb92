// Pool::execute_pipelined: short autocommit statements sharing lanes (shared_lane.hpp).

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "core/db/pool_impl.hpp"

namespace nelo::db::detail {

namespace asio = boost::asio;
using asio::awaitable;

std::shared_ptr<SharedLane> PoolImpl::reserve_lane(std::string_view module) {
  std::lock_guard lock(lanes_mutex_);
  for (const auto& lane : lanes_) {
    if (lane->module() == module && lane->reserved < options_.pipeline_depth) {
      ++lane->reserved;
      return lane;
    }
  }
  return nullptr;
}

awaitable<std::shared_ptr<SharedLane>> PoolImpl::open_lane(std::string_view module) {
  auto pooled = co_await acquire(module);
  auto& connection = pooled->get();
  const auto prelude = session_prelude(connection, module);
  if (!prelude.empty()) {
    std::vector<Connection::Statement> batch;
    for (const auto& s : prelude) batch.push_back({s});
    connection.session_module.reset();
    co_await connection.execute_batch(batch);
    connection.session_module = std::string(module);
  }
  auto self = std::static_pointer_cast<PoolImpl>(shared_from_this());
  auto lane = std::make_shared<SharedLane>(self, std::move(pooled), std::string(module));
  std::lock_guard lock(lanes_mutex_);
  lane->reserved = 1;
  lanes_.push_back(lane);
  co_return lane;
}

void PoolImpl::lane_answered(SharedLane& lane, std::size_t count, bool failed) noexcept {
  std::shared_ptr<SharedLane> unlisted;  // dropped outside the lock: it may be the last owner
  std::lock_guard lock(lanes_mutex_);
  lane.reserved -= std::min(count, lane.reserved);
  if ((failed || lane.reserved == 0) && lane.listed) {
    // Given out no more: once its last owner lets go, it hands its connection back.
    lane.listed = false;
    auto it = std::find_if(lanes_.begin(), lanes_.end(), [&](const auto& l) { return l.get() == &lane; });
    if (it != lanes_.end()) {
      unlisted = std::move(*it);
      lanes_.erase(it);
    }
  }
}

awaitable<Result> PoolImpl::execute_pipelined(std::string_view module, std::string_view sql,
                                              const Params& params) {
  if (options_.pipeline_depth == 0) co_return co_await execute(module, sql, params);  // switched off
  check_module_name(module);
  std::shared_ptr<SharedLane> lane = reserve_lane(module);
  if (!lane) lane = co_await open_lane(module);
  // A named initiation capturing only trivially destructible state (see wait_for_grant).
  SharedLane* target = lane.get();
  const std::string_view* text = &sql;
  const Params* values = &params;
  auto initiation = [target, text, values](auto handler) {
    target->submit(*text, *values, completion_for<std::exception_ptr, Result>(std::move(handler)));
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, Result)>(
      initiation, asio::use_awaitable);
}

}  // namespace nelo::db::detail
