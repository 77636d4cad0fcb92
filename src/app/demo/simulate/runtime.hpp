#pragma once
// The simulation's clock and life cycle, shared by every actor: simulated time runs `speedup`
// times faster than the wall clock; the phases say whether customers still order (running),
// whether orders in flight may still finish (draining), or whether everyone stops (stopping).
// Every wait goes through here, so that stopping wakes all sleepers at once.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>

namespace nelo::app::demo::sim {

enum class Phase { Running, Draining, Stopping };

class Runtime {
 public:
  using Duration = std::chrono::steady_clock::duration;

  Runtime(boost::asio::any_io_executor executor, double speedup, std::uint64_t seed);

  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
  double speedup() const noexcept { return speedup_; }
  std::mt19937_64& rng() noexcept { return rng_; }
  double uniform(double low, double high);
  bool chance(double probability);
  // A fresh UUID (version 4) for an Idempotency-Key: drawn apart from rng(), which --seed repeats
  // from run to run (a key seen before would have the server replay its first order).
  std::string unique_key();

  Phase phase() const noexcept { return phase_; }
  bool stopping() const noexcept { return phase_ == Phase::Stopping; }
  void drain();
  // Wakes every sleeper; their sleeps return false from now on.
  void stop();

  // Real time. False when the simulation stops meanwhile (or had stopped).
  boost::asio::awaitable<bool> sleep_real(Duration duration);
  // Simulated seconds, as real time divided by the speed-up (at least `floor` of real time).
  boost::asio::awaitable<bool> sleep_sim(double seconds, Duration floor = Duration::zero());
  Duration real_of_sim(double seconds) const;

 private:
  boost::asio::any_io_executor executor_;
  double speedup_;
  std::mt19937_64 rng_;
  std::mt19937_64 keys_;
  Phase phase_ = Phase::Running;
  std::set<boost::asio::steady_timer*> sleepers_;
};

// Counts coroutines still running, so that a phase can wait for its actors to end.
class WaitGroup {
 public:
  explicit WaitGroup(boost::asio::any_io_executor executor);
  void add() noexcept { ++count_; }
  void done();
  int count() const noexcept { return count_; }
  boost::asio::awaitable<void> wait();

 private:
  int count_ = 0;
  boost::asio::steady_timer zero_;
};

// Runs `task` on its own, counted by `group` until it ends. An exception escaping it is counted
// as unexpected (named `what`) unless the simulation is stopping.
class Statistics;
void spawn(Runtime& runtime, Statistics& stats, WaitGroup& group, boost::asio::awaitable<void> task,
           std::string what);

// Runs `task(0)` .. `task(count - 1)`, at most `width` at a time, and waits for them all. The
// first exception a task throws is rethrown once every task has ended.
boost::asio::awaitable<void> for_each_concurrently(Runtime& runtime, std::size_t count, std::size_t width,
                                                   std::function<boost::asio::awaitable<void>(std::size_t)> task);

}  // namespace nelo::app::demo::sim
