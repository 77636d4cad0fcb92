#include "shared/periodic_task.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include "core/error_text.hpp"

namespace nelo {

namespace asio = boost::asio;

std::shared_ptr<PeriodicTask> PeriodicTask::create(asio::any_io_executor executor, std::string name,
                                                   std::chrono::milliseconds interval, Work work) {
  return std::make_shared<PeriodicTask>(std::move(executor), std::move(name), interval, std::move(work));
}

PeriodicTask::PeriodicTask(asio::any_io_executor executor, std::string name, std::chrono::milliseconds interval,
                           Work work)
    : strand_(asio::make_strand(std::move(executor))),
      name_(std::move(name)),
      interval_(interval),
      work_(std::move(work)),
      wake_(strand_),
      finished_(strand_) {}

void PeriodicTask::start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->running_ = true;
    asio::co_spawn(self->strand_, self->loop(), asio::bind_executor(self->strand_, [self](std::exception_ptr e) {
                     if (e) spdlog::error("{}: loop ended: {}", self->name_, error_text(e));
                     self->running_ = false;
                     self->finished_.notify();
                   }));
  });
}

asio::awaitable<void> PeriodicTask::stop() {
  // `self` keeps the object alive until the strand-side part is done (a member coroutine, not a
  // capturing lambda: GCC 12 destroys a lambda temporary inside co_await twice).
  auto self = shared_from_this();
  co_await asio::co_spawn(strand_, self->stop_on_strand(), asio::use_awaitable);
}

asio::awaitable<void> PeriodicTask::stop_on_strand() {
  stopping_ = true;
  wake_.notify();
  while (running_) co_await finished_.wait_until(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<void> PeriodicTask::loop() {
  while (!stopping_) {
    co_await wake_.wait_until(std::chrono::steady_clock::now() + interval_);
    if (stopping_) break;
    try {
      co_await work_();
    } catch (...) {
      spdlog::error("{} failed: {}", name_, error_text(std::current_exception()));
    }
  }
}

}  // namespace nelo
