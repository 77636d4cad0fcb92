// The sandbox card processor: each test token's outcome, idempotent retries, the 3-D Secure step,
// slow cards settled later, captures, voids and refunds checked like a real processor would, the
// events it reports (in order, signed bodies that never name the token), and its own records.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {
namespace {

using namespace std::chrono_literals;
using Kind = AuthorizationOutcome::Kind;

class StepClock final : public Clock {
 public:
  Timestamp now() const override { return now_; }
  void advance(std::chrono::microseconds d) { now_ += d; }

 private:
  Timestamp now_ = Timestamp(std::chrono::seconds(1'765'000'000));
};

class SandboxProcessorTest : public ::testing::Test {
 protected:
  StepClock clock;
  SandboxProcessor processor{clock, 3000ms, "http://localhost:8000/api/v1/payments/sandbox/3ds"};

  AuthorizationOutcome authorize(const std::string& token, const std::string& payment_id = "pay-1",
                                 std::int64_t amount = 2950) {
    return processor.authorize({payment_id, Money{amount, "EUR"}, token});
  }
  std::vector<std::string> event_types() {
    std::vector<std::string> types;
    for (const auto& e : processor.take_events()) types.push_back(e.type);
    return types;
  }
};

TEST_F(SandboxProcessorTest, EachTestTokenHasItsOutcome) {
  const auto visa = authorize("tok_visa", "p1");
  EXPECT_EQ(visa.kind, Kind::Authorized);
  EXPECT_EQ(visa.card_last4, "4242");
  EXPECT_EQ(visa.card_brand, "visa");
  EXPECT_EQ(visa.reference.rfind("sbx_", 0), 0u);
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {"tok_declined", "card_declined"},
           {"tok_insufficient_funds", "insufficient_funds"},
           {"tok_expired_card", "expired_card"},
           {"tok_nonsense", "invalid_token"}}) {
    const auto out = authorize(token, "p-" + token);
    EXPECT_EQ(out.kind, Kind::Declined) << token;
    EXPECT_EQ(out.decline_code, code) << token;
    EXPECT_TRUE(out.decline_message && !out.decline_message->empty()) << token;
  }
  EXPECT_EQ(authorize("tok_slow", "p-slow").kind, Kind::Pending);
  const auto three_ds = authorize("tok_3ds", "p-3ds");
  EXPECT_EQ(three_ds.kind, Kind::RequiresAction);
  EXPECT_EQ(three_ds.action_url, "http://localhost:8000/api/v1/payments/sandbox/3ds/" + three_ds.reference);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"payment.authorized", "payment.failed", "payment.failed",
                                                     "payment.failed", "payment.failed"}))
      << "an answer given at once is also reported; the pending ones are not yet";
}

TEST_F(SandboxProcessorTest, ARetriedAuthorizationIsTheSameChargeAndNoNewEvent) {
  const auto first = authorize("tok_visa");
  const auto again = authorize("tok_visa");
  EXPECT_EQ(first.reference, again.reference);
  EXPECT_EQ(processor.charges().size(), 1u);
  EXPECT_EQ(event_types().size(), 1u);
}

TEST_F(SandboxProcessorTest, SlowCardsAreAuthorizedWhenTheirTimeComes) {
  const auto slow = authorize("tok_slow");
  EXPECT_EQ(processor.next_settlement(), clock.now() + 3000ms);
  clock.advance(2999ms);
  EXPECT_EQ(processor.settle_due(), 0u);
  clock.advance(1ms);
  EXPECT_EQ(processor.settle_due(), 1u);
  EXPECT_EQ(processor.settle_due(), 0u);
  EXPECT_FALSE(processor.next_settlement());
  EXPECT_EQ(processor.charge(slow.reference)->status, "authorized");
  EXPECT_EQ(event_types(), (std::vector<std::string>{"payment.authorized"}));
}

TEST_F(SandboxProcessorTest, AVoidedSlowCardNeverSettles_ARestoredOneStillDoes) {
  const auto voided = authorize("tok_slow", "p-voided");
  const auto kept = authorize("tok_slow", "p-kept");
  EXPECT_TRUE(processor.void_authorization(voided.reference).succeeded);
  event_types();  // the void's event
  // Another processor reads the charges back (a restart), the kept one still processing.
  SandboxProcessor restarted{clock, 3000ms, "http://localhost:8000/api/v1/payments/sandbox/3ds"};
  restarted.restore(processor.charges(), {});
  EXPECT_EQ(restarted.next_settlement(), clock.now() + 3000ms);
  clock.advance(3000ms);
  EXPECT_EQ(processor.settle_due(), 1u);
  EXPECT_EQ(processor.charge(voided.reference)->status, "voided");
  EXPECT_EQ(processor.charge(kept.reference)->status, "authorized");
  EXPECT_EQ(restarted.settle_due(), 1u) << "the restored charge still settles";
  EXPECT_EQ(restarted.charge(voided.reference)->status, "voided");
  EXPECT_FALSE(restarted.next_settlement());
}

TEST_F(SandboxProcessorTest, ThreeDSecureWaitsForTheCustomer) {
  const auto approved = authorize("tok_3ds", "p1");
  const auto refused = authorize("tok_3ds", "p2");
  EXPECT_TRUE(event_types().empty());
  EXPECT_TRUE(processor.confirm(approved.reference, true));
  EXPECT_TRUE(processor.confirm(refused.reference, false));
  EXPECT_FALSE(processor.confirm(approved.reference, true)) << "confirmed once";
  EXPECT_FALSE(processor.confirm("sbx_unknown", true));
  EXPECT_EQ(processor.charge(refused.reference)->decline_code, "authentication_failed");
  EXPECT_EQ(event_types(), (std::vector<std::string>{"payment.authorized", "payment.failed"}));
}

TEST_F(SandboxProcessorTest, CapturesVoidsAndRefundsAreCheckedLikeARealProcessor) {
  const auto a = authorize("tok_visa", "p1");
  EXPECT_FALSE(processor.refund(a.reference, "r0", {100, "EUR"}).succeeded) << "nothing captured yet";
  EXPECT_FALSE(processor.capture(a.reference, {2951, "EUR"}).succeeded) << "more than authorized";
  EXPECT_FALSE(processor.capture(a.reference, {2950, "USD"}).succeeded) << "another currency";
  EXPECT_TRUE(processor.capture(a.reference, {2950, "EUR"}).succeeded);
  EXPECT_TRUE(processor.capture(a.reference, {2950, "EUR"}).succeeded) << "a retried capture";
  EXPECT_FALSE(processor.void_authorization(a.reference).succeeded) << "captured: too late to void";
  const auto r1 = processor.refund(a.reference, "r1", {1000, "EUR"});
  EXPECT_TRUE(r1.succeeded);
  EXPECT_EQ(r1.reference.rfind("re_", 0), 0u);
  EXPECT_EQ(processor.refund(a.reference, "r1", {1000, "EUR"}).reference, r1.reference) << "a retried refund";
  EXPECT_FALSE(processor.refund(a.reference, "r2", {1951, "EUR"}).succeeded) << "beyond the capture";
  EXPECT_TRUE(processor.refund(a.reference, "r3", {1950, "EUR"}).succeeded);
  const auto record = processor.charge(a.reference);
  EXPECT_EQ(record->captured, 2950);
  EXPECT_EQ(record->refunded, 2950);
  EXPECT_EQ(record->refunds.size(), 2u);

  const auto b = authorize("tok_visa", "p2");
  EXPECT_TRUE(processor.void_authorization(b.reference).succeeded);
  EXPECT_TRUE(processor.void_authorization(b.reference).succeeded) << "a retried void";
  EXPECT_FALSE(processor.capture(b.reference, {2950, "EUR"}).succeeded);
  EXPECT_FALSE(processor.capture("sbx_unknown", {1, "EUR"}).succeeded);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"payment.authorized", "payment.captured", "refund.succeeded",
                                                     "refund.succeeded", "payment.authorized", "payment.voided"}));
}

TEST_F(SandboxProcessorTest, EventsCarryWhatHappenedAndNeverTheToken) {
  authorize("tok_insufficient_funds", "pay-42");
  const auto events = processor.take_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].body.find("tok_"), std::string::npos) << events[0].body;
  const auto body = boost::json::parse(events[0].body).as_object();
  EXPECT_EQ(body.at("id").as_string(), events[0].id);
  EXPECT_EQ(body.at("type").as_string(), "payment.failed");
  EXPECT_EQ(body.at("created").as_int64(), 1'765'000'000);
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(data.at("payment_id").as_string(), "pay-42");
  EXPECT_EQ(data.at("decline_code").as_string(), "insufficient_funds");
  EXPECT_EQ(data.at("card").at("last4").as_string(), "9995");
  EXPECT_EQ(data.at("amount").as_int64(), 2950);
  for (const auto& c : processor.charges()) {
    EXPECT_EQ(c.card_brand.find("tok_"), std::string::npos);
    EXPECT_EQ(c.reference.find("tok_"), std::string::npos);
  }
}

}  // namespace
}  // namespace nelo::payments
