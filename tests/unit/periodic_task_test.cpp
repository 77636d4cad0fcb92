// shared/periodic_task.hpp: a module's background work every interval (the idempotency purge,
// auth's key refresh and purge). Runs on an io_context with short intervals: no database.

#include "shared/periodic_task.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>

#include "support/log_capture.hpp"
#include "support/run_async.hpp"

namespace nelo {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Work that counts its runs and takes `duration` each, failing the first `failures` times.
struct Probe {
  int runs = 0;
  int completed = 0;
  bool in_run = false;
  int failures = 0;
  std::chrono::milliseconds duration{0};

  asio::awaitable<void> run() {
    ++runs;
    in_run = true;
    co_await sleep_for(duration);
    in_run = false;
    if (runs <= failures) throw std::runtime_error("database unreachable");
    ++completed;
  }
};

// Waits (up to about 5 s) until `done()`, then stops the task.
template <class Done>
asio::awaitable<void> stop_when(PeriodicTask& task, Done done) {
  for (int i = 0; i < 500 && !done(); ++i) co_await sleep_for(10ms);
  co_await task.stop();
}

TEST(PeriodicTask, RunsEveryIntervalUntilStopped) {
  asio::io_context io;
  Probe probe;
  auto task = PeriodicTask::create(io.get_executor(), "test: probe", 5ms, [&] { return probe.run(); });
  task->start();
  test::run_async(io, stop_when(*task, [&] { return probe.completed >= 3; }));
  EXPECT_GE(probe.completed, 3);
  const int runs = probe.runs;
  io.restart();
  io.run_for(50ms);
  EXPECT_EQ(probe.runs, runs) << "no run after stop()";
}

TEST(PeriodicTask, StopWaitsForTheRunInProgress) {
  asio::io_context io;
  Probe probe;
  probe.duration = 100ms;
  auto task = PeriodicTask::create(io.get_executor(), "test: probe", 1ms, [&] { return probe.run(); });
  task->start();
  bool in_run_at_stop = false;
  test::run_async(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 500 && !probe.in_run; ++i) co_await sleep_for(1ms);
    in_run_at_stop = probe.in_run;
    co_await task->stop();
  }());
  EXPECT_TRUE(in_run_at_stop);
  EXPECT_FALSE(probe.in_run) << "stop() returned while the work was still running";
  EXPECT_EQ(probe.completed, 1);
}

TEST(PeriodicTask, AFailedRunIsLoggedAndTriedAgainNextInterval) {
  test::LogCapture logs("text", "info");
  asio::io_context io;
  Probe probe;
  probe.failures = 2;
  auto task = PeriodicTask::create(io.get_executor(), "test: probe", 5ms, [&] { return probe.run(); });
  task->start();
  test::run_async(io, stop_when(*task, [&] { return probe.completed >= 1; }));
  EXPECT_EQ(probe.completed, 1);
  EXPECT_GE(probe.runs, 3);
  EXPECT_EQ(logs.find({"test: probe failed: database unreachable"}).size(), 2u);
}

TEST(PeriodicTask, StopRightAfterStartEndsBeforeTheFirstRun) {
  asio::io_context io;
  Probe probe;
  auto task = PeriodicTask::create(io.get_executor(), "test: probe", std::chrono::hours(1), [&] { return probe.run(); });
  task->start();
  const auto began = std::chrono::steady_clock::now();
  test::run_async(io, task->stop());
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_EQ(probe.runs, 0);
  task->start();  // no effect once stopped
  io.restart();
  io.run_for(20ms);
  EXPECT_EQ(probe.runs, 0);
}

TEST(PeriodicTask, StopWithoutStartReturns) {
  asio::io_context io;
  Probe probe;
  auto task = PeriodicTask::create(io.get_executor(), "test: probe", 1ms, [&] { return probe.run(); });
  test::run_async(io, task->stop());
  EXPECT_EQ(probe.runs, 0);
}

}  // namespace
}  // namespace nelo
