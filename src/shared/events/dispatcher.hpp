#pragma once
// Delivers pending outbox rows to this process's subscribers. One dispatch loop per process,
// woken by commits (wake()) and by a periodic poll; it leases due deliveries per publisher,
// runs them with bounded concurrency, and records the outcome. A purge loop deletes what the
// retention period no longer needs. All mutable state lives on one strand.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "shared/events/admin_types.hpp"
#include "shared/events/bus_state.hpp"
#include "shared/events/wake_signal.hpp"

namespace nelo::events {

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  Dispatcher(std::shared_ptr<BusState> state, boost::asio::any_io_executor executor);

  // Starts the loops; the first round delivers everything already due (restart recovery).
  // Throws std::logic_error if called after stop().
  void start();
  // Stops claiming, lets in-flight handlers finish (bounded by options.stop_timeout). Leases on
  // claimed but unstarted deliveries are left to expire.
  boost::asio::awaitable<void> stop();
  // Like stop() without waiting: for a destructor.
  void request_stop();

  // Thread-safe: something committed an event into `publisher`'s outbox.
  void wake(const std::string& publisher);

  // One purge pass over every schema this process knows. Safe to run concurrently with
  // dispatching, and on several instances at once.
  boost::asio::awaitable<PurgeReport> purge();

 private:
  struct Lane;
  struct LaneQueue;

  boost::asio::awaitable<void> stop_on_strand();
  boost::asio::awaitable<void> dispatch_loop();
  boost::asio::awaitable<void> purge_loop();
  // One claim-and-deliver round; true when a batch came back full (more is waiting).
  boost::asio::awaitable<bool> dispatch_round(bool all_publishers);
  boost::asio::awaitable<void> run_lanes(std::vector<Lane> lanes, std::chrono::steady_clock::time_point lease_end);
  boost::asio::awaitable<void> run_worker(std::shared_ptr<LaneQueue> queue);
  boost::asio::awaitable<void> deliver(const ClaimedDelivery& delivery);
  boost::asio::awaitable<void> record_failure(const ClaimedDelivery& delivery, std::string error);
  void loop_finished();

  std::shared_ptr<BusState> state_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  WakeSignal wake_;
  WakeSignal purge_wake_;
  WakeSignal stopped_;
  std::set<std::string> dirty_;  // publishers with fresh commits since the last round
  bool started_ = false;
  std::atomic<bool> start_requested_{false};
  std::atomic<bool> stopping_{false};
  int loops_running_ = 0;
  int consecutive_claim_failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace nelo::events
