#pragma once
// Delivers published events to this process's subscribers. One dispatch loop per process, woken
// by commits (wake()), by finished lanes and by a periodic poll, claims per publisher and hands
// what it claimed to lanes, one per (publisher, subscriber), that run on their own: a slow
// subscriber holds back only its own lane, never another subscriber's. At most
// options.max_in_flight lanes run at once; a lane's deliveries run one after the other (that keeps
// a subscriber's view of a publisher in order).
//
// Two kinds of lane. A stream lane takes the next events of a subscriber's stream of a publisher
// (docs/events.md, "Streams") and moves the stream on after each chunk the subscriber committed;
// a failed event gets a delivery row and the stream goes on. A row lane takes due delivery rows
// (those failures' retries, replays, and what was published before the streams opened, or every
// event when options.streams is false) and marks them delivered together when it ends. A purge
// loop deletes what the retention period no longer needs. All mutable state lives on one strand.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <optional>
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
  // Stops claiming, lets in-flight handlers finish (bounded by options.stop_timeout), then
  // releases the streams no lane still holds. Leases on claimed but unstarted deliveries, and on
  // the streams of lanes still running, are left to expire.
  boost::asio::awaitable<void> stop();
  // Like stop() without waiting: for a destructor.
  void request_stop();

  // Thread-safe: an event `name` was committed into `publisher`'s outbox, with delivery rows
  // (`rows`) or for the streams: the next round claims the rows, or the streams of its subscribers.
  void wake(const std::string& publisher, const std::string& name, bool rows);
  // Thread-safe: a delivery row of `publisher` became due (a replay).
  void wake_rows(const std::string& publisher);

  // One purge pass over every schema this process knows. Safe to run concurrently with
  // dispatching, and on several instances at once.
  boost::asio::awaitable<PurgeReport> purge();

 private:
  struct Lane;
  using LaneKey = std::pair<std::string, std::string>;  // (publisher, subscriber)

  boost::asio::awaitable<void> stop_on_strand();
  // At stop: gives up this instance's leases on the streams no lane of it still holds, so that
  // another instance (a rolling restart's next one) takes them at once.
  boost::asio::awaitable<void> release_streams();
  boost::asio::awaitable<void> dispatch_loop();
  boost::asio::awaitable<void> purge_loop();
  // Claims for the publishers due (all of them at a poll) and queues what came back as lanes.
  boost::asio::awaitable<void> claim_round(bool all_publishers);
  // BusState::open_streams() unless OutboxEventBus::open_streams() did it; a failure is logged
  // and the next round tries again.
  boost::asio::awaitable<void> open_streams();
  // Claims the next events of these subscribers' idle streams of this publisher and queues them
  // as lanes.
  boost::asio::awaitable<void> claim_streams(const std::string& publisher, const std::set<std::string>& subscribers);
  // Logged on the first failure and then every 100th, not at every poll of an outage.
  void claim_failed(const std::string& publisher, const char* what);
  void claim_worked();
  // `from_start`: every lane from its first pending row; otherwise from claim_window below what
  // the lane last claimed here.
  boost::asio::awaitable<void> claim_publisher(const std::string& publisher, bool from_start);
  void start_lanes();
  boost::asio::awaitable<void> run_lane(std::shared_ptr<Lane> lane);
  boost::asio::awaitable<void> run_stream_lane(std::shared_ptr<Lane> lane);
  // After the chunk up to `seq` committed: moves the stream on (closing its range when `close`).
  // False when that failed or the lease was lost: the lane stops there.
  boost::asio::awaitable<bool> advance_stream(const Lane& lane, std::int64_t seq, bool close);
  void lane_finished(const Lane& lane);
  // Records each event of the chunk in the subscriber's inbox and runs its handler (skipped for an
  // event already there), in order, in one transaction of the subscriber: one BEGIN, one COMMIT.
  // Throws, with nothing committed, when any of them fails.
  boost::asio::awaitable<void> handle_in_one_transaction(std::span<const ClaimedDelivery> chunk);
  // One delivery in its own transaction; its failure, or null when it was handled.
  boost::asio::awaitable<std::exception_ptr> handle_alone(const ClaimedDelivery& delivery);
  // The chunk in one transaction; false, with nothing committed, when any handler failed.
  boost::asio::awaitable<bool> deliver_together(std::span<const ClaimedDelivery> chunk);
  // True when the event is handled (now, or before: a redelivery), so it may be marked delivered.
  // A failure is recorded (retry later, or dead).
  boost::asio::awaitable<bool> deliver(const ClaimedDelivery& delivery);
  // What became of a stream's event run alone. The stream may move past it unless not_recorded.
  enum class StreamDelivery { handled, failed_with_row, not_recorded };
  boost::asio::awaitable<StreamDelivery> deliver_from_stream(const ClaimedDelivery& delivery);
  boost::asio::awaitable<void> mark_delivered(const Lane& lane, const std::vector<std::string>& event_ids);
  boost::asio::awaitable<void> record_failure(const ClaimedDelivery& delivery, std::string error);
  std::chrono::milliseconds retry_delay(int failed_attempts);
  void report_failure(const ClaimedDelivery& delivery, const std::optional<FailureOutcome>& outcome,
                      const std::string& error, std::chrono::milliseconds retry_in);
  void loop_finished();

  std::shared_ptr<BusState> state_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  WakeSignal wake_;
  WakeSignal purge_wake_;
  WakeSignal stopped_;
  // Per publisher, the subscribers whose streams have news since the last round.
  std::map<std::string, std::set<std::string>> dirty_streams_;
  std::set<std::string> dirty_rows_;  // publishers whose delivery rows to claim at the next round
  // Lanes claimed and not finished, of either kind: one lane per (publisher, subscriber) at a
  // time, so the pair is left out of claims meanwhile.
  std::set<LaneKey> busy_;
  std::set<LaneKey> missed_;          // busy lanes a row claim left out: claimed again when they finish
  std::set<LaneKey> missed_streams_;  // busy lanes a stream claim left out, or a stream with more to take
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
