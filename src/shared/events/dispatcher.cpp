#include "shared/events/dispatcher.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "core/error_text.hpp"
#include "shared/events/retry_policy.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

void log_loop_exception(const char* loop, std::exception_ptr error) {
  if (error) spdlog::error("events: {} loop ended by an exception: {}", loop, error_text(error));
}

}  // namespace

// The deliveries of one (publisher, subscriber) pair from one claim, in seq order. A lane runs
// its deliveries one after the other: that is what keeps a subscriber's view of a publisher in
// order on the happy path.
struct Dispatcher::Lane {
  std::string publisher;
  std::string subscriber;
  std::vector<ClaimedDelivery> deliveries;
  SteadyClock::time_point lease_end;
  bool stream = false;     // from the subscriber's stream, not from delivery rows
  bool exhausted = false;  // stream: these deliveries end its open range
};

Dispatcher::Dispatcher(std::shared_ptr<BusState> state, asio::any_io_executor executor)
    : state_(std::move(state)),
      strand_(asio::make_strand(std::move(executor))),
      wake_(strand_),
      purge_wake_(strand_),
      stopped_(strand_),
      random_(std::random_device{}()) {}

void Dispatcher::start() {
  if (stopping_) throw std::logic_error("events: the bus cannot be restarted after stop()");
  state_->subscriptions.freeze();
  start_requested_ = true;
  asio::post(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    self->loops_running_ = 2;
    asio::co_spawn(self->strand_, self->dispatch_loop(), asio::bind_executor(self->strand_, [self](std::exception_ptr e) {
                     log_loop_exception("dispatch", e);
                     self->loop_finished();
                   }));
    asio::co_spawn(self->strand_, self->purge_loop(), asio::bind_executor(self->strand_, [self](std::exception_ptr e) {
                     log_loop_exception("purge", e);
                     self->loop_finished();
                   }));
    spdlog::info("events: dispatcher {} started ({} modules, {} subscribers here)", self->state_->options.instance_id,
                 self->state_->modules.size(), self->state_->subscriptions.subscribers().size());
  });
}

asio::awaitable<void> Dispatcher::stop() {
  // `self` lives in this frame until the strand-side part is done. A member coroutine rather than
  // a capturing lambda: GCC 12 destroys a lambda temporary inside co_await twice.
  auto self = shared_from_this();
  co_await asio::co_spawn(strand_, self->stop_on_strand(), asio::use_awaitable);
}

asio::awaitable<void> Dispatcher::stop_on_strand() {
  stopping_ = true;
  wake_.notify();
  purge_wake_.notify();
  const auto deadline = SteadyClock::now() + state_->options.stop_timeout;
  while (loops_running_ > 0 && SteadyClock::now() < deadline) {
    co_await stopped_.wait_until(deadline);
  }
  if (loops_running_ > 0) {
    spdlog::warn("events: handlers still running {} ms after stop; their leases will expire",
                 state_->options.stop_timeout.count());
  }
  if (started_ && state_->streams_open) co_await release_streams();
}

asio::awaitable<void> Dispatcher::release_streams() {
  for (const auto& publisher : state_->modules) {
    // A stream whose lane still runs, or waits for a slot, keeps its lease until it expires.
    std::vector<std::string> idle;
    for (const auto& subscriber : state_->subscriptions.subscribers()) {
      if (!busy_.contains({publisher, subscriber})) idle.push_back(subscriber);
    }
    if (idle.empty()) continue;
    bool released = false;
    try {
      co_await state_->outbox.release_streams(publisher, idle, state_->options.instance_id);
      released = true;
    } catch (...) {
      spdlog::info("events: the streams of {} were not released at stop ({}); their leases will expire",
                   publisher, error_text(std::current_exception()));
    }
    if (!released) break;  // the database is likely away: the others' leases expire too
  }
}

void Dispatcher::request_stop() {
  // Nothing to wake if it never started (or was stopped already): post nothing.
  if (stopping_.exchange(true) || !start_requested_) return;
  asio::post(strand_, [self = shared_from_this()] {
    self->wake_.notify();
    self->purge_wake_.notify();
  });
}

void Dispatcher::wake(const std::string& publisher, const std::string& name, bool rows) {
  asio::post(strand_, [self = shared_from_this(), publisher, name, rows] {
    if (rows) {
      self->dirty_rows_.insert(publisher);
    } else {
      auto& subscribers = self->dirty_streams_[publisher];
      for (const auto& s : self->state_->subscriptions.subscribers_of(name)) subscribers.insert(s);
    }
    self->wake_.notify();
  });
}

void Dispatcher::wake_rows(const std::string& publisher) {
  asio::post(strand_, [self = shared_from_this(), publisher] {
    self->dirty_rows_.insert(publisher);
    self->wake_.notify();
  });
}

void Dispatcher::loop_finished() {
  if (--loops_running_ == 0) stopped_.notify();
}

asio::awaitable<void> Dispatcher::dispatch_loop() {
  const auto poll = state_->options.poll_interval;
  auto next_poll = SteadyClock::now();  // the first round scans everything: restart recovery
  while (!stopping_) {
    // Every slot taken: a finished lane wakes us (and dirties its publisher if it missed a claim).
    if (running_ < state_->options.max_in_flight) {
      const auto now = SteadyClock::now();
      const bool all_publishers = now >= next_poll;
      if (all_publishers) next_poll = now + poll;
      if (all_publishers || !dirty_streams_.empty() || !dirty_rows_.empty()) {
        // Under load, commits wake the loop far more often than a claim is worth: claiming at
        // most every claim_linger lets the events of many commits share one claim and one
        // transaction per lane. After a quiet spell the first event is claimed at once.
        const auto linger_end = last_claim_ + state_->options.claim_linger;
        if (!all_publishers && now < linger_end) {
          asio::steady_timer linger(strand_, linger_end);
          co_await linger.async_wait(asio::use_awaitable);
        }
        last_claim_ = SteadyClock::now();
        try {
          co_await claim_round(all_publishers);
        } catch (...) {
          // Never let the loop die: the next poll tries again.
          spdlog::error("events: dispatch round failed: {}", error_text(std::current_exception()));
        }
        start_lanes();
      }
    }
    if (stopping_) break;
    if ((dirty_streams_.empty() && dirty_rows_.empty()) || running_ >= state_->options.max_in_flight) {
      co_await wake_.wait_until(next_poll);
    }
  }
}

asio::awaitable<void> Dispatcher::claim_round(bool all_publishers) {
  auto streams_due = std::exchange(dirty_streams_, {});
  auto rows_due = std::exchange(dirty_rows_, {});
  if (state_->subscriptions.subscribers().empty()) co_return;  // no handler in this process
  if (state_->options.streams && !state_->streams_open) co_await open_streams();
  const bool streams = state_->streams_open;
  const std::set<std::string> everyone(state_->subscriptions.subscribers().begin(),
                                       state_->subscriptions.subscribers().end());
  // Rows first: a lane busy with a stream leaves its rows out of the claim, and under a steady
  // stream of commits the retries would otherwise wait behind it indefinitely. With streams, rows
  // come only from failures (found by the poll, as their retries come due), replays and what was
  // published before the streams opened.
  for (const auto& publisher : state_->modules) {
    if (stopping_) break;
    if (all_publishers || rows_due.contains(publisher)) co_await claim_publisher(publisher, all_publishers);
    if (!streams) continue;
    if (all_publishers) {
      co_await claim_streams(publisher, everyone);
    } else if (auto due = streams_due.find(publisher); due != streams_due.end()) {
      co_await claim_streams(publisher, due->second);
    }
  }
}

asio::awaitable<void> Dispatcher::open_streams() {
  try {
    co_await state_->open_streams();
  } catch (...) {
    // Rows carry the events meanwhile; the next round tries again.
    claim_failed("every publisher", "opening the streams");
    co_return;
  }
  spdlog::info("events: streams open; events are published without delivery rows");
}

asio::awaitable<void> Dispatcher::claim_streams(const std::string& publisher, const std::set<std::string>& candidates) {
  const auto& options = state_->options;
  std::vector<std::string> subscribers;
  for (const auto& subscriber : candidates) {
    const LaneKey lane{publisher, subscriber};
    if (busy_.contains(lane)) {
      missed_streams_.insert(lane);  // its lane claims again when it ends
      continue;
    }
    subscribers.push_back(subscriber);
  }
  if (subscribers.empty()) co_return;
  // Measured before claiming, so our view of the lease ends no later than the database's.
  const auto claimed_at = SteadyClock::now();
  std::vector<StreamClaim> claims;
  try {
    state_->metrics.claimed(publisher);
    claims = co_await state_->outbox.claim_streams(publisher, subscribers, options.instance_id, options.batch_size,
                                                   options.lease);
  } catch (...) {
    claim_failed(publisher, "claiming streams");
    co_return;
  }
  claim_worked();
  const auto lease_end = claimed_at + options.lease - options.lease / 10;
  for (auto& claim : claims) {
    // Held by another instance, or nothing new (an emptied range closes in the claim itself).
    if (!claim.leased || claim.deliveries.empty()) continue;
    busy_.insert({publisher, claim.subscriber});
    auto lane = std::make_shared<Lane>(
        Lane{publisher, claim.subscriber, std::move(claim.deliveries), lease_end, true, claim.exhausted});
    waiting_.push_back(std::move(lane));
  }
}

void Dispatcher::claim_failed(const std::string& publisher, const char* what) {
  if (consecutive_claim_failures_++ % 100 == 0) {
    spdlog::warn("events: {} of {} failed ({} in a row): {}", what, publisher, consecutive_claim_failures_,
                 error_text(std::current_exception()));
  }
}

void Dispatcher::claim_worked() {
  if (consecutive_claim_failures_ > 0) {
    spdlog::info("events: claiming works again after {} failures", consecutive_claim_failures_);
    consecutive_claim_failures_ = 0;
  }
}

asio::awaitable<void> Dispatcher::claim_publisher(const std::string& publisher, bool from_start) {
  const auto& options = state_->options;
  // A subscriber whose lane of this publisher is still running is left out: its lane claims
  // again when it ends, so the rows stay in order and nothing is claimed twice here.
  std::vector<std::string> subscribers;
  std::vector<std::int64_t> after;
  for (const auto& subscriber : state_->subscriptions.subscribers()) {
    const LaneKey lane{publisher, subscriber};
    if (busy_.contains(lane)) {
      missed_.insert(lane);
      continue;
    }
    subscribers.push_back(subscriber);
    const auto up_to = claimed_up_to_.find(lane);
    const bool known = !from_start && up_to != claimed_up_to_.end();
    after.push_back(known ? std::max<std::int64_t>(0, up_to->second - options.claim_window) : 0);
  }
  if (subscribers.empty()) co_return;

  // Measured before claiming, so our view of the lease ends no later than the database's.
  const auto claimed_at = SteadyClock::now();
  std::vector<ClaimedDelivery> batch;
  try {
    state_->metrics.claimed(publisher);
    batch = co_await state_->outbox.claim(publisher, subscribers, after, options.batch_size, options.instance_id,
                                          options.lease);
  } catch (...) {
    claim_failed(publisher, "claiming deliveries");
    co_return;
  }
  claim_worked();

  // Leave a tenth of the lease as a margin for clock drift and the final UPDATE.
  const auto lease_end = claimed_at + options.lease - options.lease / 10;
  std::map<std::string, std::shared_ptr<Lane>> lanes;
  for (auto& d : batch) {
    auto& lane = lanes[d.subscriber];
    if (!lane) lane = std::make_shared<Lane>(Lane{publisher, d.subscriber, {}, lease_end});
    auto& up_to = claimed_up_to_[{publisher, d.subscriber}];
    up_to = std::max(up_to, d.seq);
    lane->deliveries.push_back(std::move(d));
  }
  for (auto& [subscriber, lane] : lanes) {
    // A full lane may have left more behind: it claims again when it ends.
    if (lane->deliveries.size() >= options.batch_size) missed_.insert({publisher, subscriber});
    busy_.insert({publisher, subscriber});
    waiting_.push_back(std::move(lane));
  }
}

void Dispatcher::start_lanes() {
  while (!waiting_.empty() && running_ < state_->options.max_in_flight && !stopping_) {
    auto lane = std::move(waiting_.front());
    waiting_.pop_front();
    ++running_;
    ++loops_running_;
    asio::co_spawn(strand_, lane->stream ? run_stream_lane(lane) : run_lane(lane),
                   asio::bind_executor(strand_, [self = shared_from_this(), lane](std::exception_ptr e) {
                     log_loop_exception("delivery lane", e);
                     self->lane_finished(*lane);
                   }));
  }
}

void Dispatcher::lane_finished(const Lane& lane) {
  --running_;
  const LaneKey key{lane.publisher, lane.subscriber};
  // A claim left this lane out while it ran, or it stopped before its end: claim again.
  busy_.erase(key);
  if (missed_streams_.erase(key) > 0) dirty_streams_[lane.publisher].insert(lane.subscriber);
  if (missed_.erase(key) > 0) dirty_rows_.insert(lane.publisher);
  start_lanes();
  wake_.notify();
  loop_finished();
}

asio::awaitable<void> Dispatcher::run_lane(std::shared_ptr<Lane> lane) {
  const auto per_transaction = state_->options.deliveries_per_transaction;
  const auto& deliveries = lane->deliveries;
  std::vector<std::string> handled;
  handled.reserve(deliveries.size());
  for (std::size_t first = 0; first < deliveries.size();) {
    // Past our lease another instance may own these rows; stopping leaves them to expire.
    if (stopping_ || SteadyClock::now() >= lane->lease_end) {
      missed_.insert({lane->publisher, lane->subscriber});
      break;
    }
    const auto count = std::min(per_transaction, deliveries.size() - first);
    const std::span<const ClaimedDelivery> chunk(deliveries.data() + first, count);
    first += count;
    if (count > 1 && co_await deliver_together(chunk)) {
      for (const auto& d : chunk) handled.push_back(d.event.id);
      continue;
    }
    // One at a time: a single delivery, or a chunk one of whose handlers failed (its transaction
    // rolled back whole), so that only the failing delivery is retried.
    for (const auto& d : chunk) {
      if (co_await deliver(d)) handled.push_back(d.event.id);
    }
  }
  co_await mark_delivered(*lane, handled);
}

asio::awaitable<void> Dispatcher::run_stream_lane(std::shared_ptr<Lane> lane) {
  const auto per_transaction = state_->options.deliveries_per_transaction;
  const auto& deliveries = lane->deliveries;
  const LaneKey key{lane->publisher, lane->subscriber};
  double handled = 0;
  for (std::size_t first = 0; first < deliveries.size();) {
    // Past our lease another instance may own the stream; when stopping, stop() gives it up once
    // this lane ends. The stream stays where the last committed chunk left it.
    if (stopping_ || SteadyClock::now() >= lane->lease_end) {
      missed_streams_.insert(key);
      break;
    }
    const auto count = std::min(per_transaction, deliveries.size() - first);
    const std::span<const ClaimedDelivery> chunk(deliveries.data() + first, count);
    first += count;
    bool passed = count > 1 && co_await deliver_together(chunk);
    std::size_t handled_now = passed ? count : 0;
    if (!passed) {
      // One at a time, so that only the failing events get delivery rows.
      passed = true;
      for (const auto& d : chunk) {
        const auto outcome = co_await deliver_from_stream(d);
        if (outcome == StreamDelivery::not_recorded) {
          passed = false;
          break;
        }
        if (outcome == StreamDelivery::handled) ++handled_now;
      }
    }
    // A failure that could not be recorded: the stream stays before this chunk, whose handled
    // events the subscriber's inbox skips when it is read again.
    if (!passed || !co_await advance_stream(*lane, chunk.back().seq, first == deliveries.size() && lane->exhausted)) {
      missed_streams_.insert(key);
      break;
    }
    handled += static_cast<double>(handled_now);  // the failed ones count when their rows are delivered
  }
  state_->metrics.delivered(lane->publisher, lane->subscriber, handled);
  // More in the open range than one claim took: claim again at once.
  if (!lane->exhausted) missed_streams_.insert(key);
}

asio::awaitable<bool> Dispatcher::advance_stream(const Lane& lane, std::int64_t seq, bool close) {
  // The outcome kept in locals, with no co_return inside the try: g++ 12 miscompiles that shape.
  bool advanced = false;
  std::exception_ptr failure;
  try {
    advanced = co_await state_->outbox.advance_stream(lane.publisher, lane.subscriber, state_->options.instance_id,
                                                      seq, close);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    spdlog::warn("events: the stream of {} for {} did not move on past seq {}: {}", lane.publisher, lane.subscriber,
                 seq, error_text(failure));
  } else if (!advanced) {
    spdlog::info("events: the stream of {} for {} was taken over before it moved on", lane.publisher,
                 lane.subscriber);
  }
  co_return advanced;
}

asio::awaitable<void> Dispatcher::handle_in_one_transaction(std::span<const ClaimedDelivery> chunk) {
  const auto& subscriber = chunk.front().subscriber;
  const auto started = SteadyClock::now();
  std::size_t handled_now = 0;
  std::vector<const BatchHandler*> handlers;
  std::vector<const Event*> events;
  handlers.reserve(chunk.size());
  events.reserve(chunk.size());
  for (const auto& d : chunk) {
    const BatchHandler* handler = state_->subscriptions.find(subscriber, d.event.name);
    if (handler == nullptr) {
      throw std::runtime_error("no handler for " + d.event.name + " in " + subscriber + " on this instance");
    }
    handlers.push_back(handler);
    events.push_back(&d.event);
  }
  auto tx = co_await state_->pool.begin(subscriber);
  // The chunk's inbox rows in one statement; an event already there was handled before (a
  // redelivery) and is skipped.
  const std::vector<bool> fresh = co_await state_->inbox.record(tx, events);
  // The fresh events in order, each run of one handler in one call.
  std::vector<const Event*> run;
  const BatchHandler* run_handler = nullptr;
  for (std::size_t i = 0; i <= events.size(); ++i) {
    if (i < events.size() && !fresh[i]) {
      spdlog::debug("events: {} {} already in {}.inbox: redelivery skipped", events[i]->name, events[i]->id,
                    subscriber);
      continue;
    }
    if (!run.empty() && (i == events.size() || handlers[i] != run_handler)) {
      co_await (*run_handler)(tx, std::span<const Event* const>(run));
      handled_now += run.size();
      run.clear();
    }
    if (i == events.size()) break;
    run_handler = handlers[i];
    run.push_back(events[i]);
  }
  co_await tx.commit();
  if (handled_now == 0) co_return;
  const double each =
      std::chrono::duration<double>(SteadyClock::now() - started).count() / static_cast<double>(handled_now);
  for (std::size_t i = 0; i < handled_now; ++i) state_->metrics.handler_duration(subscriber, each);
}

asio::awaitable<bool> Dispatcher::deliver_together(std::span<const ClaimedDelivery> chunk) {
  try {
    co_await handle_in_one_transaction(chunk);
    co_return true;
  } catch (...) {
    spdlog::debug("events: {} deliveries to {} failed together, retrying one at a time: {}", chunk.size(),
                  chunk.front().subscriber, error_text(std::current_exception()));
  }
  co_return false;
}

asio::awaitable<std::exception_ptr> Dispatcher::handle_alone(const ClaimedDelivery& d) {
  std::exception_ptr failure;
  try {
    co_await handle_in_one_transaction(std::span(&d, 1));
  } catch (...) {
    failure = std::current_exception();  // co_await is not allowed in a handler
  }
  co_return failure;
}

asio::awaitable<bool> Dispatcher::deliver(const ClaimedDelivery& d) {
  const auto failure = co_await handle_alone(d);
  if (!failure) co_return true;
  co_await record_failure(d, error_text(failure));
  co_return false;
}

asio::awaitable<void> Dispatcher::mark_delivered(const Lane& lane, const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) co_return;
  std::int64_t marked = 0;
  try {
    marked = co_await state_->outbox.mark_delivered(lane.publisher, lane.subscriber, event_ids);
  } catch (...) {
    // The subscriber's work is committed; the leases will expire and the retries find the inbox rows.
    spdlog::warn("events: {} events of {} handled by {} but not marked delivered: {}", event_ids.size(),
                 lane.publisher, lane.subscriber, error_text(std::current_exception()));
  }
  state_->metrics.delivered(lane.publisher, lane.subscriber, static_cast<double>(marked));
}

asio::awaitable<Dispatcher::StreamDelivery> Dispatcher::deliver_from_stream(const ClaimedDelivery& d) {
  const auto failure = co_await handle_alone(d);
  if (!failure) co_return StreamDelivery::handled;
  const auto error = error_text(failure);
  const auto retry_in = retry_delay(0);
  std::optional<FailureOutcome> outcome;
  std::exception_ptr not_recorded;
  try {
    outcome = co_await state_->outbox.record_stream_failure(d, error, state_->options.max_attempts, retry_in);
  } catch (...) {
    not_recorded = std::current_exception();
  }
  if (not_recorded) {
    spdlog::error("events: could not record the failure of {} {} for {} ({}): {}", d.event.name, d.event.id,
                  d.subscriber, error, error_text(not_recorded));
    co_return StreamDelivery::not_recorded;
  }
  // No row written: one exists already, from a run of this chunk before a crash.
  if (outcome) report_failure(d, outcome, error, retry_in);
  co_return StreamDelivery::failed_with_row;
}

std::chrono::milliseconds Dispatcher::retry_delay(int failed_attempts) {
  const auto& options = state_->options;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return backoff_delay({options.retry_base, options.retry_cap}, failed_attempts + 1, unit(random_));
}

asio::awaitable<void> Dispatcher::record_failure(const ClaimedDelivery& d, std::string error) {
  const auto& options = state_->options;
  const auto& event = d.event;
  const auto retry_in = retry_delay(d.attempts);
  std::optional<FailureOutcome> outcome;
  try {
    outcome = co_await state_->outbox.record_failure(event.publisher, event.id, d.subscriber, options.instance_id,
                                                     error, options.max_attempts, retry_in);
  } catch (...) {
    spdlog::error("events: could not record the failure of {} {} for {} ({}): {}", event.name, event.id,
                  d.subscriber, error, error_text(std::current_exception()));
    co_return;
  }
  report_failure(d, outcome, error, retry_in);
}

void Dispatcher::report_failure(const ClaimedDelivery& d, const std::optional<FailureOutcome>& outcome,
                                const std::string& error, std::chrono::milliseconds retry_in) {
  const auto& event = d.event;
  if (!outcome) {
    spdlog::info("events: lease on {} {} for {} was lost before its failure was recorded", event.name, event.id,
                 d.subscriber);
  } else if (outcome->dead) {
    state_->metrics.dead(event.publisher, d.subscriber);
    spdlog::error("events: {} {} from {} is dead for {} after {} attempts: {}", event.name, event.id,
                  event.publisher, d.subscriber, outcome->attempts, error);
  } else {
    state_->metrics.retried(event.publisher, d.subscriber);
    spdlog::warn("events: {} {} from {} failed in {} (attempt {}), retry in {} ms: {}", event.name, event.id,
                 event.publisher, d.subscriber, outcome->attempts, retry_in.count(), error);
  }
}

asio::awaitable<void> Dispatcher::purge_loop() {
  while (!stopping_) {
    co_await purge_wake_.wait_until(SteadyClock::now() + state_->options.purge_interval);
    if (stopping_) break;
    try {
      auto report = co_await purge();
      if (report.deliveries + report.events + report.inbox > 0) {
        spdlog::info("events: purged {} deliveries, {} events, {} inbox rows", report.deliveries, report.events,
                     report.inbox);
      }
    } catch (...) {
      spdlog::warn("events: purge failed: {}", error_text(std::current_exception()));
    }
  }
}

asio::awaitable<PurgeReport> Dispatcher::purge() {
  const auto& options = state_->options;
  const auto batch = static_cast<std::int64_t>(options.purge_batch);
  PurgeReport report;
  // Each DELETE is bounded, so a large backlog is removed in short transactions.
  for (const auto& publisher : state_->modules) {
    for (std::int64_t n = batch; n == batch && !stopping_;) {
      n = co_await state_->outbox.purge_deliveries(publisher, options.retention, options.purge_batch);
      report.deliveries += n;
    }
    for (std::int64_t n = batch; n == batch && !stopping_;) {
      n = co_await state_->outbox.purge_events(publisher, options.retention, options.purge_batch);
      report.events += n;
    }
  }
  // Inbox rows outlive the outbox rows that could be redelivered to them.
  for (const auto& subscriber : state_->modules) {
    for (std::int64_t n = batch; n == batch && !stopping_;) {
      n = co_await state_->inbox.purge(subscriber, options.retention * 2, options.purge_batch);
      report.inbox += n;
    }
  }
  co_return report;
}

}  // namespace nelo::events
