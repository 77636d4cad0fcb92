// The sandbox as a PaymentProvider: calls reach the processor, and its webhooks are accepted only
// when signed with an accepted secret, recently, over the exact body; what they say is read back.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "modules/payments/sandbox/sandbox_provider.hpp"

namespace nelo::payments {
namespace {

using namespace std::chrono_literals;

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::seconds(1'765'000'000)); }
};

template <class T>
T run(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return future.get();
}

class SandboxProviderTest : public ::testing::Test {
 protected:
  FixedClock clock;
  SandboxProcessor processor{clock, 1000ms, "http://localhost/3ds"};
  std::vector<std::string> secrets{"whsec_current_0123456789", "whsec_previous_012345678"};
  SandboxProvider provider{processor, secrets, 300s};
  const std::int64_t now = 1'765'000'000;

  SandboxEvent one_event(const std::string& token) {
    run(provider.authorize({"pay-1", Money{2950, "EUR"}, token}));
    auto events = processor.take_events();
    EXPECT_EQ(events.size(), 1u);
    return events.at(0);
  }
};

TEST_F(SandboxProviderTest, ASignedEventIsReadBack) {
  const auto declined = one_event("tok_declined");
  const auto signature = sign_webhook(std::vector<std::string>{secrets[1]}, now, declined.body);
  const auto verdict = provider.parse_webhook(signature, declined.body, clock.now());
  ASSERT_EQ(verdict.check, SignatureCheck::Valid);
  ASSERT_TRUE(verdict.event);
  EXPECT_EQ(verdict.event->id, declined.id);
  EXPECT_EQ(verdict.event->type, "payment.failed");
  EXPECT_EQ(verdict.event->reference, declined.reference);
  EXPECT_EQ(verdict.event->decline_code, "card_declined");
  EXPECT_EQ(verdict.event->decline_message, "Your card was declined.");
  EXPECT_EQ(verdict.event->card_last4, "0002");
  EXPECT_EQ(verdict.event->occurred_at, clock.now());
  EXPECT_EQ(provider.signature_header(), "Sandbox-Signature");
}

TEST_F(SandboxProviderTest, ForgedAlteredStaleOrMeaninglessWebhooksAreRefused) {
  const auto event = one_event("tok_visa");
  const auto good = sign_webhook(secrets, now, event.body);
  std::string altered = event.body;
  altered.replace(altered.find("2950"), 4, "9999");
  EXPECT_EQ(provider.parse_webhook(good, altered, clock.now()).check, SignatureCheck::Mismatch);
  EXPECT_EQ(provider.parse_webhook(sign_webhook(std::vector<std::string>{"whsec_attacker_0123456"}, now, event.body),
                                   event.body, clock.now())
                .check,
            SignatureCheck::Mismatch);
  EXPECT_EQ(provider.parse_webhook(sign_webhook(secrets, now - 301, event.body), event.body, clock.now()).check,
            SignatureCheck::Stale);
  EXPECT_EQ(provider.parse_webhook("", event.body, clock.now()).check, SignatureCheck::Malformed);
  for (const std::string body : {"not json", "[]", R"({"id":"evt_1","type":"payment.authorized"})",
                                 R"({"id":"","type":"x","data":{"reference":"sbx_1"}})"}) {
    const auto verdict = provider.parse_webhook(sign_webhook(secrets, now, body), body, clock.now());
    EXPECT_EQ(verdict.check, SignatureCheck::Malformed) << body;
    EXPECT_FALSE(verdict.event) << body;
  }
}

TEST_F(SandboxProviderTest, CallsReachTheProcessor) {
  const auto authorized = run(provider.authorize({"pay-9", Money{1200, "EUR"}, "tok_visa"}));
  EXPECT_EQ(authorized.kind, AuthorizationOutcome::Kind::Authorized);
  EXPECT_TRUE(run(provider.capture(authorized.reference, Money{1200, "EUR"})).succeeded);
  EXPECT_TRUE(run(provider.refund(authorized.reference, "r-1", Money{200, "EUR"})).succeeded);
  EXPECT_FALSE(run(provider.void_authorization(authorized.reference)).succeeded);
  EXPECT_EQ(processor.charge(authorized.reference)->refunded, 200);
}

}  // namespace
}  // namespace nelo::payments
