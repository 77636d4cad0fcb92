#include "app/demo/simulate/runtime.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>

#include "app/demo/simulate/statistics.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;

Runtime::Runtime(asio::any_io_executor executor, double speedup, std::uint64_t seed)
    : executor_(std::move(executor)), speedup_(speedup), rng_(seed), keys_(std::random_device{}()) {
  keys_.discard(1);
}

std::string Runtime::unique_key() {
  std::uniform_int_distribution<unsigned> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(byte(keys_));
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

double Runtime::uniform(double low, double high) { return std::uniform_real_distribution<double>(low, high)(rng_); }

bool Runtime::chance(double probability) { return uniform(0, 1) < probability; }

void Runtime::drain() {
  if (phase_ == Phase::Running) phase_ = Phase::Draining;
}

void Runtime::stop() {
  phase_ = Phase::Stopping;
  for (auto* timer : sleepers_) timer->cancel();
}

asio::awaitable<bool> Runtime::sleep_real(Duration duration) {
  if (stopping()) co_return false;
  asio::steady_timer timer(executor_, duration);
  sleepers_.insert(&timer);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  sleepers_.erase(&timer);
  co_return !stopping();
}

Runtime::Duration Runtime::real_of_sim(double seconds) const {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(std::max(0.0, seconds) / speedup_));
}

asio::awaitable<bool> Runtime::sleep_sim(double seconds, Duration floor) {
  co_return co_await sleep_real(std::max(real_of_sim(seconds), floor));
}

WaitGroup::WaitGroup(asio::any_io_executor executor) : zero_(std::move(executor)) {
  zero_.expires_at(asio::steady_timer::time_point::max());
}

void WaitGroup::done() {
  if (--count_ <= 0) zero_.cancel();
}

asio::awaitable<void> WaitGroup::wait() {
  while (count_ > 0) {
    zero_.expires_at(asio::steady_timer::time_point::max());
    co_await zero_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

namespace {

asio::awaitable<void> guarded(Runtime& runtime, Statistics& stats, WaitGroup& group, asio::awaitable<void> task,
                              std::string what) {
  try {
    co_await std::move(task);
  } catch (const std::exception& e) {
    if (!runtime.stopping()) stats.unexpected(what, e.what());
  }
  group.done();
}

asio::awaitable<void> worker(std::size_t& next, std::size_t count,
                             std::function<asio::awaitable<void>(std::size_t)>& task, std::exception_ptr& first,
                             WaitGroup& group) {
  while (next < count && !first) {
    const std::size_t index = next++;
    try {
      co_await task(index);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  group.done();
}

}  // namespace

asio::awaitable<void> for_each_concurrently(Runtime& runtime, std::size_t count, std::size_t width,
                                            std::function<asio::awaitable<void>(std::size_t)> task) {
  std::size_t next = 0;
  std::exception_ptr first;
  WaitGroup group(runtime.executor());
  for (std::size_t i = 0; i < std::min(count, std::max<std::size_t>(1, width)); ++i) {
    group.add();
    asio::co_spawn(runtime.executor(), worker(next, count, task, first, group), asio::detached);
  }
  co_await group.wait();
  if (first) std::rethrow_exception(first);
}

void spawn(Runtime& runtime, Statistics& stats, WaitGroup& group, asio::awaitable<void> task, std::string what) {
  group.add();
  asio::co_spawn(runtime.executor(), guarded(runtime, stats, group, std::move(task), std::move(what)), asio::detached);
}

}  // namespace nelo::app::demo::sim
