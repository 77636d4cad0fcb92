// Cash as a payment provider: nothing to hold or check, every operation succeeds at once with a
// reference of its own, and no webhook is ever accepted in its name.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "modules/payments/providers/cash_provider.hpp"

namespace nelo::payments {
namespace {

template <class T>
T run(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.run();
  return future.get();
}

TEST(CashProvider, EverythingSucceedsAtOnceAndNoWebhookIsItsOwn) {
  CashProvider cash;
  EXPECT_EQ(cash.name(), "cash");
  const auto authorized = run(cash.authorize({"pay-1", Money{2950, "EUR"}, ""}));
  EXPECT_EQ(authorized.kind, AuthorizationOutcome::Kind::Authorized);
  EXPECT_EQ(authorized.reference, "cash_pay-1");
  EXPECT_FALSE(authorized.card_last4.has_value());
  EXPECT_TRUE(run(cash.capture("cash_pay-1", Money{2950, "EUR"})).succeeded);
  EXPECT_TRUE(run(cash.void_authorization("cash_pay-1")).succeeded);
  const auto refund = run(cash.refund("cash_pay-1", "ref-1", Money{500, "EUR"}));
  EXPECT_TRUE(refund.succeeded);
  EXPECT_EQ(refund.reference, "cash_refund_ref-1");
  const auto verdict = cash.parse_webhook("t=1,v1=00", "{}", Timestamp{});
  EXPECT_EQ(verdict.check, SignatureCheck::Mismatch);
  EXPECT_FALSE(verdict.event.has_value());
}

}  // namespace
}  // namespace nelo::payments
