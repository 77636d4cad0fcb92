#pragma once
// Delivers pending outbox rows to this process's subscribers. One dispatch loop per process,
// woken by commits (wake()), by finished lanes and by a periodic poll, leases due deliveries per
// publisher and hands them to lanes, one per (publisher, subscriber), that run on their own: a
// slow subscriber holds back only its own lane, never another subscriber's. At most
// options.max_in_flight lanes run at once; a lane's deliveries run one after the other (that keeps
// a subscriber's view of a publisher in order) and are marked delivered together when it ends. A
// purge loop deletes what the retention period no longer needs. All mutable state lives on one
// strand.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "shared/events/admin_types.hpp"
#include "shared/events/bus_state.hpp"
#include "shared/events/outbox_repository.hpp"
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
  using LaneKey = std::pair<std::string, std::string>;  // (publisher, subscriber)

  boost::asio::awaitable<void> stop_on_strand();
  boost::asio::awaitable<void> dispatch_loop();
  boost::asio::awaitable<void> purge_loop();
  // Claims for the publishers due (all of them at a poll) and queues what came back as lanes.
  boost::asio::awaitable<void> claim_round(bool all_publishers);
  // `from_start`: every lane from its first pending row; otherwise from claim_window below what
  // the lane last claimed here.
  boost::asio::awaitable<void> claim_publisher(const std::string& publisher, bool from_start);
  void start_lanes();
  boost::asio::awaitable<void> run_lane(std::shared_ptr<Lane> lane);
  void lane_finished(const Lane& lane);
  // Records each event of the chunk in the subscriber's inbox and runs its handler (skipped for an
  // event already there), in order, in one transaction of the subscriber: one BEGIN, one COMMIT.
  // Throws, with nothing committed, when any of them fails.
  boost::asio::awaitable<void> handle_in_one_transaction(std::span<const ClaimedDelivery> chunk);
  // The chunk in one transaction; false, with nothing committed, when any handler failed.
  boost::asio::awaitable<bool> deliver_together(std::span<const ClaimedDelivery> chunk);
  // True when the event is handled (now, or before: a redelivery), so it may be marked delivered.
  // A failure is recorded (retry later, or dead).
  boost::asio::awaitable<bool> deliver(const ClaimedDelivery& delivery);
  boost::asio::awaitable<void> mark_delivered(const Lane& lane, const std::vector<std::string>& event_ids);
  boost::asio::awaitable<void> record_failure(const ClaimedDelivery& delivery, std::string error);
  void loop_finished();

  std::shared_ptr<BusState> state_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  WakeSignal wake_;
  WakeSignal purge_wake_;
  WakeSignal stopped_;
  std::set<std::string> dirty_;  // publishers with fresh commits since the last round
  std::set<LaneKey> busy_;       // lanes claimed and not finished: left out of claims meanwhile
  std::set<LaneKey> missed_;     // busy lanes a claim left out: claimed again when they finish
  std::map<LaneKey, std::int64_t> claimed_up_to_;  // the highest seq each lane claimed here
  std::deque<std::shared_ptr<Lane>> waiting_;  // claimed lanes waiting for a free slot
  std::size_t running_ = 0;      // lanes running now
  std::chrono::steady_clock::time_point last_claim_{};  // start of the last claim round
  bool started_ = false;
  std::atomic<bool> start_requested_{false};
  std::atomic<bool> stopping_{false};
  int loops_running_ = 0;
  int consecutive_claim_failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace nelo::events
