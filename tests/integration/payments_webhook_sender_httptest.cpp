// The sandbox's webhooks over real HTTP on loopback: the outbound client's answers and failures,
// its kept-alive connections (reused, never reused once the server closed them, and a request
// the server dropped on a reused connection sent again on a new one), and the sender (with its
// HTTP transport) POSTing signed events that check with the shared secret, retrying one the
// endpoint refused until it takes it, keeping its limit of webhooks in flight, and sending in
// the same pass what the processor emits while it runs.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/http/outbound_client.hpp"
#include "modules/payments/sandbox/api/webhook_transport.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/sandbox/webhook_sender.hpp"
#include "support/loopback_http_endpoint.hpp"
#include "support/run_async.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using test::LoopbackHttpEndpoint;
using test::LoopbackReply;
using test::LoopbackRequest;
using Then = LoopbackReply::Then;

// Answers `statuses` in turn (then 200), one request per connection; or nothing at all when
// `silent`.
std::unique_ptr<LoopbackHttpEndpoint> endpoint_answering(std::vector<int> statuses, bool silent = false) {
  return std::make_unique<LoopbackHttpEndpoint>([statuses = std::move(statuses), silent](const LoopbackRequest& r) {
    LoopbackReply reply;
    if (silent) reply.then = Then::Hang;
    const auto index = static_cast<std::size_t>(r.number - 1);
    if (index < statuses.size()) reply.status = statuses[index];
    return reply;
  });
}

// Keeps connections alive; with `close_after` n, closes each after answering its n-th request
// (the answer saying nothing of it); with `drop` k, reads the k-th request of its life and
// closes the connection without answering.
std::unique_ptr<LoopbackHttpEndpoint> keep_alive_endpoint(int close_after = 0, int drop = 0) {
  return std::make_unique<LoopbackHttpEndpoint>([close_after, drop](const LoopbackRequest& r) {
    LoopbackReply reply;
    reply.then = r.number == drop                ? Then::Drop
                 : r.on_connection == close_after ? Then::CloseQuietly
                                                  : Then::KeepAlive;
    return reply;
  });
}

TEST(OutboundClient, PostsAndReadsTheAnswer) {
  const auto endpoint = endpoint_answering({503});
  asio::io_context io;
  const auto response = test::run_async(
      io, http::post(endpoint->url(), {{"Content-Type", "application/json"}, {"X-Test", "1"}}, "{\"a\":1}", 2000ms));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "ok");
  const auto seen = endpoint->received();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].head.rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << seen[0].head;
  EXPECT_NE(seen[0].head.find("X-Test: 1\r\n"), std::string::npos) << seen[0].head;
  EXPECT_EQ(seen[0].body, "{\"a\":1}");
}

TEST(OutboundClient, ReusesAKeptAliveConnection) {
  const auto endpoint = keep_alive_endpoint();
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    const auto response = test::run_async(io, http::post(endpoint->url(), {}, "x", 2000ms));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok");
  }
  EXPECT_EQ(endpoint->received().size(), 3u);
  EXPECT_EQ(endpoint->connections(), 1);
}

TEST(OutboundClient, AConnectionTheServerClosedIsNotReused) {
  const auto endpoint = keep_alive_endpoint(/*close_after=*/1);
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(test::run_async(io, http::post(endpoint->url(), {}, "x", 2000ms)).status, 200);
    std::this_thread::sleep_for(20ms);  // the server's close reaches us
  }
  // Each request once, each on a connection of its own.
  EXPECT_EQ(endpoint->received().size(), 3u);
  EXPECT_EQ(endpoint->connections(), 3);
}

TEST(OutboundClient, ARequestDroppedOnAReusedConnectionGoesOnceMoreOnANewOne) {
  const auto endpoint = keep_alive_endpoint(/*close_after=*/0, /*drop=*/2);
  asio::io_context io;
  EXPECT_EQ(test::run_async(io, http::post(endpoint->url(), {}, "first", 2000ms)).status, 200);
  // Sent on the kept-alive connection, read and dropped there, then sent on a new one.
  EXPECT_EQ(test::run_async(io, http::post(endpoint->url(), {}, "second", 2000ms)).status, 200);
  const auto seen = endpoint->received();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].body, "second");
  EXPECT_EQ(seen[2].body, "second");
  EXPECT_EQ(seen[2].connection, 2);
}

TEST(OutboundClient, ASilentServerTimesOutAndNoServerIsAnError) {
  const auto silent = endpoint_answering({}, true);
  asio::io_context io;
  try {
    test::run_async(io, http::post(silent->url(), {}, "x", 100ms));
    FAIL() << "no answer, yet no error";
  } catch (const http::OutboundError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  std::string closed_url;
  closed_url = endpoint_answering({})->url();  // gone once the statement ends
  EXPECT_THROW(test::run_async(io, http::post(closed_url, {}, "x", 1000ms)), http::OutboundError);
  EXPECT_THROW(test::run_async(io, http::post("https://127.0.0.1/x", {}, "x", 1000ms)), std::invalid_argument);
}

TEST(WebhookSender, PostsSignedEventsAndRetriesARefusedOne) {
  const auto endpoint = endpoint_answering({500});
  SystemClock clock;
  SandboxProcessor processor(clock, 1000ms, "http://localhost/3ds");
  asio::io_context io;
  WebhookSenderOptions options;
  options.url = endpoint->url();
  options.secrets = {"whsec_shared_secret_0123"};
  options.first_retry = 0ms;  // due again at once: the same pass sends it again
  options.duplicate_per_mille = 0;
  options.hold_per_mille = 0;
  WebhookSender sender(processor, clock, io.get_executor(), options, http_webhook_transport());
  processor.authorize({"pay-1", Money{2950, "EUR"}, "tok_visa"});

  test::run_async(io, sender.pass());  // refused with a 500, then taken
  EXPECT_EQ(sender.stats().retried, 1u);
  EXPECT_EQ(sender.stats().delivered, 1u);
  EXPECT_EQ(sender.pending(), 0u);

  const auto seen = endpoint->received();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, seen[1].body) << "the same event, retried";
  const auto at = seen[1].head.find("Sandbox-Signature: ");
  ASSERT_NE(at, std::string::npos) << seen[1].head;
  const std::string header = seen[1].head.substr(at + 19, seen[1].head.find("\r\n", at) - at - 19);
  SandboxProvider receiver(processor, {"whsec_shared_secret_0123"}, std::chrono::seconds(300));
  const auto verdict = receiver.parse_webhook(header, seen[1].body, clock.now());
  ASSERT_EQ(verdict.check, SignatureCheck::Valid) << header;
  EXPECT_EQ(verdict.event->type, "payment.authorized");
  EXPECT_EQ(verdict.event->card_last4, "4242");
}

// A transport that answers 200 after `delay`, counting the requests in flight at once.
struct CountingTransport {
  struct Counts {
    int in_flight = 0;
    int most_in_flight = 0;
    std::vector<std::string> bodies;
  };
  std::shared_ptr<Counts> counts = std::make_shared<Counts>();
  std::chrono::milliseconds delay;
  std::function<void()> on_first;  // run while the first request is in flight

  WebhookTransport transport() const {
    return [counts = counts, delay = delay, on_first = on_first](std::string, std::vector<std::pair<std::string, std::string>>,
                                                                 std::string body, std::chrono::milliseconds) -> asio::awaitable<int> {
      ++counts->in_flight;
      counts->most_in_flight = std::max(counts->most_in_flight, counts->in_flight);
      if (counts->bodies.empty() && on_first) on_first();
      counts->bodies.push_back(std::move(body));
      asio::steady_timer timer(co_await asio::this_coro::executor, delay);
      co_await timer.async_wait(asio::use_awaitable);
      --counts->in_flight;
      co_return 200;
    };
  }
};

// A sender with a scripted transport (no HTTP) and a processor whose slow cards settle at once.
class WebhookSenderAtWork : public ::testing::Test {
 protected:
  SystemClock clock;
  SandboxProcessor processor{clock, 0ms, "http://localhost/3ds"};
  asio::io_context io;

  std::unique_ptr<WebhookSender> sender(std::size_t max_in_flight, const CountingTransport& counting) {
    WebhookSenderOptions options;
    options.url = "http://127.0.0.1:9/unused";
    options.secrets = {"whsec_shared_secret_0123"};
    options.duplicate_per_mille = 0;
    options.hold_per_mille = 0;
    options.max_in_flight = max_in_flight;
    return std::make_unique<WebhookSender>(processor, clock, io.get_executor(), options, counting.transport());
  }
  void authorize(const std::string& payment_id, const std::string& token) {
    processor.authorize({payment_id, Money{1000, "EUR"}, token});
  }
};

TEST_F(WebhookSenderAtWork, KeepsItsLimitOfWebhooksInFlight) {
  CountingTransport counting{.delay = 5ms, .on_first = {}};
  const auto webhooks = sender(4, counting);
  for (int i = 0; i < 20; ++i) authorize("pay-" + std::to_string(i), "tok_visa");

  test::run_async(io, webhooks->pass());
  EXPECT_EQ(webhooks->stats().delivered, 20u);
  EXPECT_EQ(counting.counts->most_in_flight, 4) << "four senders, each busy while the others are";
  EXPECT_EQ(webhooks->pending(), 0u);
}

TEST_F(WebhookSenderAtWork, APassSendsWhatTheProcessorEmitsWhileItRuns) {
  CountingTransport counting{.delay = 1ms, .on_first = [&] { authorize("pay-late", "tok_declined"); }};
  const auto webhooks = sender(1, counting);
  authorize("pay-first", "tok_visa");

  test::run_async(io, webhooks->pass());
  ASSERT_EQ(counting.counts->bodies.size(), 2u) << "the event emitted during the pass went in the same pass";
  EXPECT_NE(counting.counts->bodies[0].find("pay-first"), std::string::npos);
  EXPECT_NE(counting.counts->bodies[1].find("pay-late"), std::string::npos);
}

TEST_F(WebhookSenderAtWork, AJournalThatFailsWhileSettlingCancelsNoWebhook) {
  CountingTransport counting{.delay = 5ms, .on_first = {}};
  const auto webhooks = sender(4, counting);
  for (int i = 0; i < 8; ++i) authorize("pay-" + std::to_string(i), "tok_visa");
  authorize("pay-slow", "tok_slow");
  processor.record_with([](const SandboxCharge&, const SandboxEvent* event) {
    if (event != nullptr) throw std::runtime_error("disk full");
  });

  EXPECT_NO_THROW(test::run_async(io, webhooks->pass()));
  EXPECT_EQ(webhooks->stats().delivered, 9u) << "the eight, and the slow card's (settled, its line unwritten)";
  EXPECT_EQ(counting.counts->bodies.size(), 9u);
}

}  // namespace
}  // namespace nelo::payments
