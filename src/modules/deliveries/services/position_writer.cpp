#include "modules/deliveries/services/position_writer.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/error_text.hpp"
#include "modules/deliveries/repositories/position_repository.hpp"
#include "shared/periodic_task.hpp"

namespace nelo::deliveries {

namespace asio = boost::asio;

PositionWriter::PositionWriter(PositionRepository& positions, asio::any_io_executor executor,
                               std::chrono::milliseconds interval)
    : positions_(positions),
      task_(PeriodicTask::create(std::move(executor), "deliveries: position flush", interval,
                                 [this] { return run(); })) {}

PositionWriter::~PositionWriter() = default;

bool PositionWriter::keep_latest(std::unordered_map<std::string, DriverPosition>& into,
                                 const DriverPosition& position) {
  auto [it, inserted] = into.try_emplace(position.driver_id, position);
  if (inserted) return true;
  if (position.recorded_at < it->second.recorded_at) return false;
  it->second = position;
  return true;
}

void PositionWriter::add(const DriverPosition& position) {
  std::lock_guard lock(mutex_);
  keep_latest(pending_, position);
}

asio::awaitable<std::size_t> PositionWriter::flush() {
  std::unordered_map<std::string, DriverPosition> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) co_return 0;
  std::vector<DriverPosition> rows;
  rows.reserve(batch.size());
  for (auto& [_, position] : batch) rows.push_back(std::move(position));
  std::exception_ptr failure;
  try {
    co_await positions_.write(rows);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // Back in the queue for the next run: what arrived meanwhile is newer and wins.
    std::lock_guard lock(mutex_);
    for (const auto& position : rows) keep_latest(pending_, position);
    std::rethrow_exception(failure);
  }
  co_return rows.size();
}

asio::awaitable<void> PositionWriter::run() { co_await flush(); }

void PositionWriter::start() { task_->start(); }

asio::awaitable<void> PositionWriter::stop() {
  co_await task_->stop();
  std::size_t lost = 0;
  try {
    co_await flush();
  } catch (...) {
    lost = pending();
    spdlog::error("deliveries: the last {} pending positions were not written at shutdown: {}", lost,
                  error_text(std::current_exception()));
  }
}

std::size_t PositionWriter::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace nelo::deliveries
