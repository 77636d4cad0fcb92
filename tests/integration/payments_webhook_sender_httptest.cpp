// The sandbox's webhooks over real HTTP on loopback: the outbound client's answers and failures,
// its kept-alive connections (reused, never reused once the server closed them, and a request
// the server dropped on a reused connection sent again on a new one), and the sender (with its
// HTTP transport) POSTing signed events that check with the shared secret, retrying one the
// endpoint refused until it takes it.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/http/outbound_client.hpp"
#include "modules/payments/sandbox/api/webhook_transport.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/sandbox/webhook_sender.hpp"
#include "support/run_async.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Received {
  std::string head;
  std::string body;
};

// A one-thread HTTP endpoint on 127.0.0.1: answers each request with the next status of `statuses`
// (then 200), or not at all when `silent`; records what it received.
class FakeEndpoint {
 public:
  explicit FakeEndpoint(std::vector<int> statuses, bool silent = false)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), statuses_(std::move(statuses)), silent_(silent) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeEndpoint() {
    stopping_ = true;
    boost::system::error_code ignored;
    asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hook"; }
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      asio::streambuf buffer;
      const std::size_t head_size = asio::read_until(socket, buffer, "\r\n\r\n", ec);
      if (ec) continue;
      std::string data(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
      Received r{data.substr(0, head_size), data.substr(head_size)};
      const auto at = r.head.find("Content-Length: ");
      const std::size_t length = at == std::string::npos ? 0 : std::stoul(r.head.substr(at + 16));
      if (r.body.size() < length) {
        std::string rest(length - r.body.size(), '\0');
        asio::read(socket, asio::buffer(rest), ec);
        r.body += rest;
      }
      int status = 200;
      {
        std::lock_guard lock(mutex_);
        received_.push_back(r);
        if (!statuses_.empty()) {
          status = statuses_.front();
          statuses_.erase(statuses_.begin());
        }
      }
      if (silent_) {
        std::this_thread::sleep_for(300ms);
        continue;
      }
      const std::string answer =
          "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      asio::write(socket, asio::buffer(answer), ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<int> statuses_;
  bool silent_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Received> received_;
  std::thread thread_;
};

// A one-thread HTTP/1.1 endpoint on 127.0.0.1 that keeps connections alive: it serves requests on
// a connection until the client closes it, answering 200 "ok". With `close_after` n, it closes
// each connection after answering its n-th request; with `drop` k, it reads the k-th request of
// the whole run and closes its connection without answering. Counts connections and requests.
class KeepAliveEndpoint {
 public:
  explicit KeepAliveEndpoint(int close_after = 0, int drop = 0)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), close_after_(close_after), drop_(drop) {
    thread_ = std::thread([this] { serve(); });
  }
  ~KeepAliveEndpoint() {
    stopping_ = true;
    // The client keeps its connection open: end the read the server thread waits in.
    if (const int fd = serving_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
    boost::system::error_code ignored;
    asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hook"; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      serving_fd_ = socket.native_handle();
      asio::streambuf buffer;
      for (int on_this = 1;; ++on_this) {
        const std::size_t head_size = asio::read_until(socket, buffer, "\r\n\r\n", ec);
        if (ec) break;  // the client closed it
        std::string head(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + head_size);
        buffer.consume(head_size);
        const auto at = head.find("Content-Length: ");
        const std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
        if (buffer.size() < length) asio::read(socket, buffer, asio::transfer_exactly(length - buffer.size()), ec);
        buffer.consume(length);
        if (++requests_ == drop_) break;
        const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        asio::write(socket, asio::buffer(answer), ec);
        if (ec || on_this == close_after_ || stopping_) break;
      }
      serving_fd_ = -1;
      socket.close(ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  int close_after_;
  int drop_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> serving_fd_{-1};
  std::thread thread_;
};

TEST(OutboundClient, PostsAndReadsTheAnswer) {
  FakeEndpoint endpoint({503});
  asio::io_context io;
  const auto response = test::run_async(
      io, http::post(endpoint.url(), {{"Content-Type", "application/json"}, {"X-Test", "1"}}, "{\"a\":1}", 2000ms));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "ok");
  const auto seen = endpoint.received();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].head.rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << seen[0].head;
  EXPECT_NE(seen[0].head.find("X-Test: 1\r\n"), std::string::npos) << seen[0].head;
  EXPECT_EQ(seen[0].body, "{\"a\":1}");
}

TEST(OutboundClient, ReusesAKeptAliveConnection) {
  KeepAliveEndpoint endpoint;
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    const auto response = test::run_async(io, http::post(endpoint.url(), {}, "x", 2000ms));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok");
  }
  EXPECT_EQ(endpoint.requests(), 3);
  EXPECT_EQ(endpoint.connections(), 1);
}

TEST(OutboundClient, AConnectionTheServerClosedIsNotReused) {
  KeepAliveEndpoint endpoint(/*close_after=*/1);
  asio::io_context io;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(test::run_async(io, http::post(endpoint.url(), {}, "x", 2000ms)).status, 200);
    std::this_thread::sleep_for(20ms);  // the server's close reaches us
  }
  // Each request once, each on a connection of its own.
  EXPECT_EQ(endpoint.requests(), 3);
  EXPECT_EQ(endpoint.connections(), 3);
}

TEST(OutboundClient, ARequestDroppedOnAReusedConnectionGoesOnceMoreOnANewOne) {
  KeepAliveEndpoint endpoint(/*close_after=*/0, /*drop=*/2);
  asio::io_context io;
  EXPECT_EQ(test::run_async(io, http::post(endpoint.url(), {}, "first", 2000ms)).status, 200);
  // Sent on the kept-alive connection, read and dropped there, then sent on a new one.
  EXPECT_EQ(test::run_async(io, http::post(endpoint.url(), {}, "second", 2000ms)).status, 200);
  EXPECT_EQ(endpoint.requests(), 3);
  EXPECT_EQ(endpoint.connections(), 2);
}

TEST(OutboundClient, ASilentServerTimesOutAndNoServerIsAnError) {
  FakeEndpoint silent({}, true);
  asio::io_context io;
  try {
    test::run_async(io, http::post(silent.url(), {}, "x", 100ms));
    FAIL() << "no answer, yet no error";
  } catch (const http::OutboundError& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
  }
  std::string closed_url;
  {
    FakeEndpoint gone({});
    closed_url = gone.url();
  }
  EXPECT_THROW(test::run_async(io, http::post(closed_url, {}, "x", 1000ms)), http::OutboundError);
  EXPECT_THROW(test::run_async(io, http::post("https://127.0.0.1/x", {}, "x", 1000ms)), std::invalid_argument);
}

TEST(WebhookSender, PostsSignedEventsAndRetriesARefusedOne) {
  FakeEndpoint endpoint({500});
  SystemClock clock;
  SandboxProcessor processor(clock, 1000ms, "http://localhost/3ds");
  asio::io_context io;
  WebhookSenderOptions options;
  options.url = endpoint.url();
  options.secrets = {"whsec_shared_secret_0123"};
  options.first_retry = 0ms;  // due again at the next pass
  options.duplicate_per_mille = 0;
  options.hold_per_mille = 0;
  WebhookSender sender(processor, clock, io.get_executor(), options, http_webhook_transport());
  processor.authorize({"pay-1", Money{2950, "EUR"}, "tok_visa"});

  test::run_async(io, sender.pass());  // refused with a 500
  EXPECT_EQ(sender.stats().retried, 1u);
  test::run_async(io, sender.pass());  // taken
  EXPECT_EQ(sender.stats().delivered, 1u);
  EXPECT_EQ(sender.pending(), 0u);

  const auto seen = endpoint.received();
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

}  // namespace
}  // namespace nelo::payments
