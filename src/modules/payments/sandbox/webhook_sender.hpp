#pragma once
// Sends the sandbox processor's events to nelo's webhook endpoint as a real processor would:
// signed (Stripe's scheme, every secret it holds), retried with exponential backoff until the
// endpoint answers 2xx or the attempts run out, and, as real processors sometimes do, sending some
// events twice and holding some back so that a later one overtakes them (out of order). The
// endpoint must apply each event once and never move a payment backwards whatever it receives.
//
// WebhookSchedule is the bookkeeping (no I/O, testable with a clock); WebhookSender runs it on an
// executor: it settles slow charges, takes new events, and POSTs what is due, several at a time.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "shared/periodic_task.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {

struct WebhookSenderOptions {
  std::string url;                   // e.g. http://127.0.0.1:8000/api/v1/payments/webhooks/sandbox
  std::vector<std::string> secrets;  // the header carries one v1 per secret
  std::chrono::milliseconds first_retry{500};
  std::chrono::milliseconds max_backoff{30'000};
  int max_attempts = 12;
  // Out of every 1000 events, how many are sent twice, and how many are held back by up to
  // max_hold (a later event may then arrive first).
  int duplicate_per_mille = 50;
  int hold_per_mille = 100;
  std::chrono::milliseconds max_hold{2000};
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds poll_interval{50};
  // Webhooks awaiting nelo's answer at once. Each sender that finishes one takes the next due, so
  // the flow never waits for the slowest of a group.
  std::size_t max_in_flight = 16;
  // Called with an event's id once it is delivered (2xx) or given up on: the journal's "settled"
  // (an event never settled is sent again after a restart). May be empty.
  std::function<void(const std::string& event_id)> on_settled;
};

// Delivers one webhook: POSTs `body` with `headers` to `url` and answers the HTTP status, 0 when
// no answer came within `timeout`. The HTTP one is sandbox/api/webhook_transport.hpp; tests may
// pass their own.
using WebhookTransport = std::function<boost::asio::awaitable<int>(
    std::string url, std::vector<std::pair<std::string, std::string>> headers, std::string body,
    std::chrono::milliseconds timeout)>;

struct WebhookDelivery {
  SandboxEvent event;
  int attempts = 0;  // made so far
  Timestamp due{};
};

struct WebhookStats {
  std::uint64_t delivered = 0;    // answered 2xx
  std::uint64_t retried = 0;      // attempts that failed and were scheduled again
  std::uint64_t duplicated = 0;   // events sent twice on purpose
  std::uint64_t held = 0;         // events held back on purpose
  std::uint64_t abandoned = 0;    // ran out of attempts
};

class WebhookSchedule {
 public:
  // `random_below(n)`: a number in [0, n); the CSPRNG in production, fixed in tests.
  WebhookSchedule(WebhookSenderOptions options, std::function<std::uint32_t(std::uint32_t)> random_below);

  // New events, in the order they happened: each due now, or held back; some twice.
  void add(std::vector<SandboxEvent> events, Timestamp now);
  // The earliest delivery due at `now` (of those due at one moment, the first added), removed
  // from the schedule; nothing when none is due.
  std::optional<WebhookDelivery> take_next(Timestamp now);
  void succeeded(const WebhookDelivery& delivery);
  // Schedules the next attempt (first_retry, doubling, capped at max_backoff), or abandons it.
  void failed(WebhookDelivery delivery, Timestamp now);

  std::size_t pending() const noexcept { return pending_.size(); }
  const WebhookStats& stats() const noexcept { return stats_; }
  const WebhookSenderOptions& options() const noexcept { return options_; }

 private:
  std::chrono::microseconds jitter(std::chrono::milliseconds up_to);

  WebhookSenderOptions options_;
  std::function<std::uint32_t(std::uint32_t)> random_below_;
  struct EarlierDue {
    bool operator()(const WebhookDelivery& a, const WebhookDelivery& b) const { return a.due < b.due; }
  };
  // By when each is due; deliveries due at one moment in the order they were added (a multiset
  // inserts after its equal elements).
  std::multiset<WebhookDelivery, EarlierDue> pending_;
  WebhookStats stats_;
};

// Runs on a PeriodicTask (one pass at a time, poll_interval after the last): start() from the
// module's start(), co_await stop() from its stop(). Under a steady flow a pass does not end: its
// senders keep taking the events the processor emits meanwhile.
class WebhookSender {
 public:
  WebhookSender(SandboxProcessor& processor, const Clock& clock, boost::asio::any_io_executor executor,
                WebhookSenderOptions options, WebhookTransport transport);

  void start();
  boost::asio::awaitable<void> stop();

  // One pass: up to max_in_flight senders, each POSTing the next due delivery (after settling
  // slow charges and taking new events) until none is due or stop() was called.
  boost::asio::awaitable<void> pass();

  // Read on the task's strand: approximate from another thread.
  WebhookStats stats() const { return schedule_.stats(); }
  std::size_t pending() const { return schedule_.pending(); }

 private:
  // `count` senders side by side, done when all are.
  boost::asio::awaitable<void> senders(std::size_t count);
  boost::asio::awaitable<void> sender();
  // What is due now, once the processor's new events and due settlements are in the schedule.
  std::optional<WebhookDelivery> next_due();
  boost::asio::awaitable<void> deliver(WebhookDelivery delivery);

  SandboxProcessor& processor_;
  const Clock& clock_;
  WebhookSchedule schedule_;
  WebhookTransport transport_;
  std::shared_ptr<PeriodicTask> task_;
  std::atomic<bool> stopping_{false};
};

}  // namespace nelo::payments
