#include "modules/payments/sandbox/webhook_sender.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/security/tokens.hpp"
#include "core/security/webhook_signature.hpp"

namespace nelo::payments {

namespace {

std::chrono::microseconds as_micros(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::microseconds>(ms);
}

}  // namespace

WebhookSchedule::WebhookSchedule(WebhookSenderOptions options, std::function<std::uint32_t(std::uint32_t)> random_below)
    : options_(std::move(options)), random_below_(std::move(random_below)) {}

std::chrono::microseconds WebhookSchedule::jitter(std::chrono::milliseconds up_to) {
  const auto span = static_cast<std::uint32_t>(std::max<std::int64_t>(1, as_micros(up_to).count()));
  return std::chrono::microseconds(random_below_(span));
}

void WebhookSchedule::add(std::vector<SandboxEvent> events, Timestamp now) {
  for (auto& event : events) {
    WebhookDelivery delivery{std::move(event), 0, now};
    if (static_cast<int>(random_below_(1000)) < options_.hold_per_mille) {
      delivery.due = now + jitter(options_.max_hold);
      ++stats_.held;
    }
    if (static_cast<int>(random_below_(1000)) < options_.duplicate_per_mille) {
      WebhookDelivery twice = delivery;
      twice.due = now + jitter(options_.max_hold);
      pending_.insert(std::move(twice));
      ++stats_.duplicated;
    }
    pending_.insert(std::move(delivery));
  }
}

std::optional<WebhookDelivery> WebhookSchedule::take_next(Timestamp now) {
  if (pending_.empty() || pending_.begin()->due > now) return std::nullopt;
  return std::move(pending_.extract(pending_.begin()).value());
}

void WebhookSchedule::succeeded(const WebhookDelivery&) { ++stats_.delivered; }

void WebhookSchedule::failed(WebhookDelivery delivery, Timestamp now) {
  if (delivery.attempts >= options_.max_attempts) {
    ++stats_.abandoned;
    spdlog::warn("sandbox: webhook {} ({}) abandoned after {} attempts", delivery.event.id, delivery.event.type,
                 delivery.attempts);
    return;
  }
  auto backoff = options_.first_retry;
  for (int i = 1; i < delivery.attempts && backoff < options_.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, options_.max_backoff);
  delivery.due = now + as_micros(backoff);
  ++stats_.retried;
  pending_.insert(std::move(delivery));
}

WebhookSender::WebhookSender(SandboxProcessor& processor, const Clock& clock, boost::asio::any_io_executor executor,
                             WebhookSenderOptions options, WebhookTransport transport)
    : processor_(processor),
      clock_(clock),
      schedule_(std::move(options), [](std::uint32_t n) { return security::random_below(n); }),
      transport_(std::move(transport)) {
  task_ = PeriodicTask::create(std::move(executor), "sandbox: webhooks", schedule_.options().poll_interval,
                               [this]() { return pass(); });
}

void WebhookSender::start() { task_->start(); }

boost::asio::awaitable<void> WebhookSender::stop() {
  stopping_ = true;  // a pass in progress ends once its deliveries in flight have
  co_await task_->stop();
}

boost::asio::awaitable<void> WebhookSender::pass() {
  // Like a real processor, several webhooks in flight at once, each sender taking the next as soon
  // as nelo answered its last: one at a time held the flow at ~120 card orders a second, eight in
  // groups that each waited for their slowest at ~750 (bench/run payments). The senders run on
  // this task's strand, so the schedule needs no lock.
  co_await senders(std::max<std::size_t>(1, schedule_.options().max_in_flight));
}

boost::asio::awaitable<void> WebhookSender::senders(std::size_t count) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (count == 1) {
    co_await sender();
  } else {
    co_await (sender() && senders(count - 1));
  }
}

boost::asio::awaitable<void> WebhookSender::sender() {
  while (!stopping_) {
    auto delivery = next_due();
    if (!delivery) co_return;
    co_await deliver(std::move(*delivery));
  }
}

std::optional<WebhookDelivery> WebhookSender::next_due() {
  const Timestamp now = clock_.now();
  // Reads only the slow charges now due. A charge that settled is authorized and its event
  // queued even when its journal line could not be written; thrown from here, that failure would
  // cancel the other senders' webhooks in flight.
  try {
    processor_.settle_due();
  } catch (const std::exception& e) {
    spdlog::error("sandbox: settling slow charges: {}", e.what());
  }
  schedule_.add(processor_.take_events(), now);
  return schedule_.take_next(now);
}

boost::asio::awaitable<void> WebhookSender::deliver(WebhookDelivery delivery) {
  const auto& options = schedule_.options();
  ++delivery.attempts;
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {"Sandbox-Signature", security::sign_webhook(options.secrets, timestamp, delivery.event.body)}};
  int status = 0;
  try {
    status = co_await transport_(options.url, std::move(headers), delivery.event.body, options.request_timeout);
  } catch (const std::exception& e) {
    spdlog::warn("sandbox: webhook {} not delivered: {}", delivery.event.id, e.what());
  }
  const std::string event_id = delivery.event.id;
  bool settled = status >= 200 && status < 300;
  if (settled) {
    schedule_.succeeded(delivery);
  } else {
    // No co_await between the two reads: on this strand no other delivery moves the count.
    const auto abandoned = schedule_.stats().abandoned;
    schedule_.failed(std::move(delivery), clock_.now());
    settled = schedule_.stats().abandoned != abandoned;
  }
  if (settled && options.on_settled) {
    try {
      options.on_settled(event_id);
    } catch (const std::exception& e) {
      spdlog::error("sandbox: webhook {} delivered but not recorded as such: {}", event_id, e.what());
    }
  }
}

}  // namespace nelo::payments
