#include "shared/events/dispatcher.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <stdexcept>

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
// on one worker, one delivery after the other: that is what keeps a subscriber's view of a
// publisher in order on the happy path.
struct Dispatcher::Lane {
  std::vector<ClaimedDelivery> deliveries;
};

struct Dispatcher::LaneQueue {
  explicit LaneQueue(const asio::any_io_executor& executor) : done(executor) {}
  std::vector<Lane> lanes;
  std::size_t next = 0;
  std::size_t running = 0;
  SteadyClock::time_point lease_end;
  WakeSignal done;
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
}

void Dispatcher::request_stop() {
  // Nothing to wake if it never started (or was stopped already): post nothing.
  if (stopping_.exchange(true) || !start_requested_) return;
  asio::post(strand_, [self = shared_from_this()] {
    self->wake_.notify();
    self->purge_wake_.notify();
  });
}

void Dispatcher::wake(const std::string& publisher) {
  asio::post(strand_, [self = shared_from_this(), publisher] {
    self->dirty_.insert(publisher);
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
    const auto now = SteadyClock::now();
    const bool all_publishers = now >= next_poll;
    if (all_publishers) next_poll = now + poll;
    bool more = false;
    try {
      more = co_await dispatch_round(all_publishers);
    } catch (...) {
      // Never let the loop die: the next poll tries again.
      spdlog::error("events: dispatch round failed: {}", error_text(std::current_exception()));
    }
    if (stopping_) break;
    if (!more && dirty_.empty()) co_await wake_.wait_until(next_poll);
  }
}

asio::awaitable<bool> Dispatcher::dispatch_round(bool all_publishers) {
  std::vector<std::string> publishers;
  if (all_publishers) {
    publishers = state_->modules;
  } else {
    publishers.assign(dirty_.begin(), dirty_.end());
  }
  dirty_.clear();
  const auto& subscribers = state_->subscriptions.subscribers();
  if (subscribers.empty()) co_return false;  // no handler in this process: nothing to claim

  const auto& options = state_->options;
  // Measured before claiming, so our view of the lease ends no later than the database's.
  const auto claimed_at = SteadyClock::now();
  std::map<std::pair<std::string, std::string>, Lane> lanes;
  bool more = false;
  for (const auto& publisher : publishers) {
    if (stopping_) break;
    std::vector<ClaimedDelivery> batch;
    bool claimed = false;
    try {
      state_->metrics.claimed(publisher);
      batch = co_await state_->outbox.claim(publisher, subscribers, options.batch_size, options.instance_id,
                                            options.lease);
      claimed = true;
    } catch (...) {
      // Logged on the first failure and then every 100th, not at every poll of an outage.
      if (consecutive_claim_failures_++ % 100 == 0) {
        spdlog::warn("events: claiming deliveries of {} failed ({} in a row): {}", publisher,
                     consecutive_claim_failures_, error_text(std::current_exception()));
      }
    }
    if (!claimed) continue;
    if (consecutive_claim_failures_ > 0) {
      spdlog::info("events: claiming works again after {} failures", consecutive_claim_failures_);
      consecutive_claim_failures_ = 0;
    }
    if (batch.size() >= options.batch_size) {
      more = true;
      dirty_.insert(publisher);
    }
    for (auto& d : batch) lanes[{publisher, d.subscriber}].deliveries.push_back(std::move(d));
  }

  std::vector<Lane> work;
  work.reserve(lanes.size());
  for (auto& [key, lane] : lanes) work.push_back(std::move(lane));
  // Leave a tenth of the lease as a margin for clock drift and the final UPDATE.
  co_await run_lanes(std::move(work), claimed_at + options.lease - options.lease / 10);
  co_return more;
}

asio::awaitable<void> Dispatcher::run_lanes(std::vector<Lane> lanes, SteadyClock::time_point lease_end) {
  if (lanes.empty()) co_return;
  auto queue = std::make_shared<LaneQueue>(strand_);
  queue->lanes = std::move(lanes);
  queue->lease_end = lease_end;
  queue->running = std::min(state_->options.max_in_flight, queue->lanes.size());
  const auto workers = queue->running;
  for (std::size_t i = 0; i < workers; ++i) {
    asio::co_spawn(strand_, run_worker(queue),
                   asio::bind_executor(strand_, [self = shared_from_this(), queue](std::exception_ptr e) {
                     log_loop_exception("delivery worker", e);
                     if (--queue->running == 0) queue->done.notify();
                   }));
  }
  while (queue->running > 0) co_await queue->done.wait_until(SteadyClock::time_point::max());
}

asio::awaitable<void> Dispatcher::run_worker(std::shared_ptr<LaneQueue> queue) {
  while (queue->next < queue->lanes.size()) {
    const auto& lane = queue->lanes[queue->next++];
    for (const auto& delivery : lane.deliveries) {
      // Past our lease another instance may own these rows; stopping leaves them to expire.
      if (stopping_ || SteadyClock::now() >= queue->lease_end) co_return;
      co_await deliver(delivery);
    }
  }
}

asio::awaitable<void> Dispatcher::deliver(const ClaimedDelivery& d) {
  const auto& event = d.event;
  const Handler* handler = state_->subscriptions.find(d.subscriber, event.name);
  std::exception_ptr failure;
  bool handled_now = false;
  const auto started = SteadyClock::now();
  try {
    if (handler == nullptr) {
      throw std::runtime_error("no handler for " + event.name + " in " + d.subscriber + " on this instance");
    }
    auto tx = co_await state_->pool.begin(d.subscriber);
    if (co_await state_->inbox.record(tx, event)) {
      co_await (*handler)(tx, event);
      co_await tx.commit();
      handled_now = true;
    }
    // Otherwise the subscriber already handled this event (a redelivery): tx rolls back unused.
  } catch (...) {
    failure = std::current_exception();  // co_await is not allowed in a handler
  }
  if (failure) {
    co_await record_failure(d, error_text(failure));
    co_return;
  }
  if (handled_now) {
    state_->metrics.handler_duration(
        d.subscriber, std::chrono::duration<double>(SteadyClock::now() - started).count());
  } else {
    spdlog::debug("events: {} {} already in {}.inbox: redelivery skipped", event.name, event.id, d.subscriber);
  }
  bool marked = false;
  try {
    marked = co_await state_->outbox.mark_delivered(event.publisher, event.id, d.subscriber);
  } catch (...) {
    // The subscriber's work is committed; the lease will expire and the retry finds the inbox row.
    spdlog::warn("events: {} {} handled by {} but not marked delivered: {}", event.name, event.id, d.subscriber,
                 error_text(std::current_exception()));
  }
  if (marked) state_->metrics.delivered(event.publisher, d.subscriber);
}

asio::awaitable<void> Dispatcher::record_failure(const ClaimedDelivery& d, std::string error) {
  const auto& options = state_->options;
  const auto& event = d.event;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto retry_in = backoff_delay({options.retry_base, options.retry_cap}, d.attempts + 1, unit(random_));
  std::optional<FailureOutcome> outcome;
  bool recorded = false;
  try {
    outcome = co_await state_->outbox.record_failure(event.publisher, event.id, d.subscriber, options.instance_id,
                                                     error, options.max_attempts, retry_in);
    recorded = true;
  } catch (...) {
    spdlog::error("events: could not record the failure of {} {} for {} ({}): {}", event.name, event.id,
                  d.subscriber, error, error_text(std::current_exception()));
  }
  if (!recorded) co_return;
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
