// The payments side of the saga with orders, against PostgreSQL and the in-process sandbox
// processor: the token hand-over (authorized, declined, asked once, never stored), the payment
// made from order.created when the hand-over never came and the sweep that fails it, the void of
// a cancelled order's hold, the capture on delivery and the cash collection, each with the
// payment.* event in payments.outbox and the ledger lines in the same transaction.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/metrics/registry.hpp"
#include "core/db/errors.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/module_db.hpp"
#include "core/uuid.hpp"
#include "db_fixture.hpp"
#include "modules/payments/module.hpp"
#include "modules/payments/providers/cash_provider.hpp"
#include "modules/payments/providers/provider_directory.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/sandbox_provider.hpp"
#include "modules/payments/services/payment_directory.hpp"
#include "modules/payments/services/payment_saga.hpp"
#include "modules/payments/services/webhook_intake.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/module.hpp"
#include "support/test_bus_options.hpp"

namespace nelo::test {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace nelo::payments;
using namespace std::chrono_literals;

class OneDriver final : public DeliveryInterface {
 public:
  std::string driver_id = new_uuid();
  asio::awaitable<std::optional<DeliverySummaryDto>> get_delivery_for_order(std::string order_id) override {
    co_return DeliverySummaryDto{new_uuid(), order_id, "delivered", DriverSummaryDto{driver_id, "Dee", std::nullopt},
                                 std::nullopt, std::nullopt};
  }
  asio::awaitable<std::optional<PositionWatchDto>> position_watch(std::string, std::string,
                                                                  std::vector<std::string>) override {
    co_return std::nullopt;
  }
};

// The sandbox, with a hook that runs while an authorization is at the provider: what happens to
// the payment meanwhile (a cancellation) is what its answer then finds.
class SandboxWithAHook final : public PaymentProvider {
 public:
  explicit SandboxWithAHook(PaymentProvider& sandbox) : sandbox_(sandbox) {}
  std::function<asio::awaitable<void>(const std::string& payment_id)> during_authorization;

  std::string_view name() const noexcept override { return sandbox_.name(); }
  asio::awaitable<AuthorizationOutcome> authorize(AuthorizationRequest request) override {
    if (during_authorization) co_await during_authorization(request.payment_id);
    co_return co_await sandbox_.authorize(std::move(request));
  }
  asio::awaitable<OperationOutcome> capture(std::string reference, Money amount) override {
    co_return co_await sandbox_.capture(std::move(reference), std::move(amount));
  }
  asio::awaitable<OperationOutcome> void_authorization(std::string reference) override {
    co_return co_await sandbox_.void_authorization(std::move(reference));
  }
  asio::awaitable<OperationOutcome> refund(std::string reference, std::string refund_id, Money amount) override {
    co_return co_await sandbox_.refund(std::move(reference), std::move(refund_id), std::move(amount));
  }
  std::string_view signature_header() const noexcept override { return sandbox_.signature_header(); }
  WebhookVerdict parse_webhook(std::string_view signature_header, std::string_view body,
                               Timestamp now) const override {
    return sandbox_.parse_webhook(signature_header, body, now);
  }

 private:
  PaymentProvider& sandbox_;
};

class PaymentsSaga : public DbTest {
 protected:
  std::shared_ptr<db::Pool> pool = make_pool(4);
  db::ModuleDb module{*pool, "payments"};
  metrics::Registry registry;
  SystemClock clock;
  std::unique_ptr<events::OutboxEventBus> bus;  // never started: events stay in payments.outbox
  PaymentRepository payments{module, io.get_executor()};
  LedgerRepository ledger;
  CashProvider cash;
  SandboxProcessor processor{clock, std::chrono::hours(1), "http://sandbox.test/3ds"};
  SandboxProvider sandbox{processor, {"whsec_test_secret_0123456789"}, std::chrono::seconds(300)};
  SandboxWithAHook hooked{sandbox};
  ProviderDirectory providers;
  db::GroupCommit answers{module, io.get_executor()};
  OneDriver deliveries;
  std::unique_ptr<PaymentSaga> saga;
  std::unique_ptr<PaymentDirectory> directory;

  std::string customer = new_uuid(), merchant = new_uuid(), owner = new_uuid();

  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    migrate(*pool, {{"payments", templates, payments::migrations()}});
    bus = std::make_unique<events::OutboxEventBus>(*pool, io.get_executor(), fast_bus_options("saga-test"), registry,
                                                   std::vector<std::string>{"payments"});
    providers.add(hooked);
    providers.add(cash);
    providers.choose_card_provider("sandbox");
    saga = std::make_unique<PaymentSaga>(module, answers, *bus, payments, ledger, providers,
                                         SagaSettings{1000, std::chrono::seconds(60), std::chrono::seconds(900)},
                                         clock, &deliveries);
    directory = std::make_unique<PaymentDirectory>(payments, *saga);
  }
  void TearDown() override {
    directory.reset();
    saga.reset();
    bus.reset();
  }

  // 29.50 EUR: 26.20 of food, 1.99 delivery, 1.31 service.
  PaymentOrderDto order(std::string id = new_uuid()) const {
    return PaymentOrderDto{std::move(id), customer, merchant, owner, Money{2950, "EUR"}, 2620, 199, 131};
  }
  events::Event order_event(const std::string& name, const PaymentOrderDto& o, const std::string& method) const {
    events::Event e;
    e.id = new_uuid();
    e.name = name;
    e.publisher = "orders";
    e.payload = json::object{{"order_id", o.order_id},
                             {"customer_id", o.customer_id},
                             {"merchant_id", o.merchant_id},
                             {"merchant_owner_id", o.merchant_owner_id},
                             {"payment_method", method},
                             {"pricing", json::object{{"subtotal", json::object{{"amount", 2620}, {"currency", "EUR"}}},
                                                      {"delivery_fee", json::object{{"amount", 199}, {"currency", "EUR"}}},
                                                      {"service_fee", json::object{{"amount", 131}, {"currency", "EUR"}}},
                                                      {"total", json::object{{"amount", 2950}, {"currency", "EUR"}}}}}};
    return e;
  }

  void authorize(const PaymentOrderDto& o, const std::string& token) {
    run(directory->authorize_card(o, token));
  }
  using Handler = asio::awaitable<void> (PaymentSaga::*)(db::Transaction&, const events::Event&);
  void deliver(Handler handler, const events::Event& e) {
    run([&]() -> asio::awaitable<void> {
      auto tx = co_await module.begin();
      co_await ((*saga).*handler)(tx, e);
      co_await tx.commit();
    }());
  }
  std::optional<PaymentStatusDto> status(const std::string& order_id) {
    return run(directory->get_payment_for_order(order_id));
  }
  std::string value(const std::string& sql) const { return database.value(sql); }
  // The signature header the sandbox would send with `body` now.
  std::string signed_now(const std::string& body) const {
    const auto t = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    return sign_webhook(std::vector<std::string>{"whsec_test_secret_0123456789"}, t, body);
  }
  std::string events_of(const std::string& order_id) const {
    return value("SELECT coalesce(string_agg(name, ',' ORDER BY seq), '') FROM payments.outbox"
                 " WHERE payload->>'order_id' = '" + order_id + "'");
  }
  std::string ledger_of(const std::string& order_id) const {
    return value("SELECT coalesce(string_agg(t.kind || ':' || l.account || ':' || l.amount, ' ' ORDER BY l.line_no), '')"
                 " FROM payments.ledger_transactions t JOIN payments.ledger_lines l ON l.transaction_id = t.id"
                 " JOIN payments.payments p ON p.id = t.payment_id WHERE p.order_id = '" + order_id + "'");
  }
};

TEST_F(PaymentsSaga, ACardAuthorizedAtOnceIsAskedOnceAndItsTokenKeptNowhere) {
  const auto o = order();
  authorize(o, "tok_visa");
  const auto s = status(o.order_id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "authorized");
  EXPECT_EQ(s->method, "card");
  EXPECT_EQ(s->card_last4, "4242");
  EXPECT_EQ(s->card_brand, "visa");
  EXPECT_EQ(events_of(o.order_id), "payment.authorized");
  EXPECT_EQ(value("SELECT payload->>'payment_id' = '" + s->payment_id + "' FROM payments.outbox"), "t");
  // Asked once: a second hand-over (a bug, a retry) changes nothing and calls no provider.
  authorize(o, "tok_declined");
  EXPECT_EQ(status(o.order_id)->status, "authorized");
  EXPECT_EQ(processor.charges().size(), 1u);
  EXPECT_EQ(events_of(o.order_id), "payment.authorized");
  EXPECT_EQ(value("SELECT count(*) FROM payments.payments p WHERE p::text LIKE '%tok_%'"), "0");
  EXPECT_EQ(value("SELECT count(*) FROM payments.outbox o WHERE o::text LIKE '%tok_%'"), "0");
}

// The hand-overs of concurrent placements: their claims share statements and their answers
// commit in groups, and each payment still gets its own move and its own event at its own version.
TEST_F(PaymentsSaga, ConcurrentHandOvers_EachMoveItsOwnPaymentAndPublishItsOwnEvent) {
  std::vector<PaymentOrderDto> orders;
  for (int i = 0; i < 24; ++i) orders.push_back(order());
  run([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    for (std::size_t i = 0; i < orders.size(); ++i) {
      asio::co_spawn(executor, directory->authorize_card(orders[i], i % 3 == 2 ? "tok_declined" : "tok_visa"),
                     asio::detached);
    }
  }(), 2);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const bool declined = i % 3 == 2;
    const auto s = status(orders[i].order_id);
    ASSERT_TRUE(s) << i;
    EXPECT_EQ(s->status, declined ? "failed" : "authorized") << i;
    EXPECT_EQ(events_of(orders[i].order_id), declined ? "payment.failed" : "payment.authorized") << i;
    EXPECT_EQ(value("SELECT (payload->>'version') || ' ' || (payload->>'payment_id' = '" + s->payment_id +
                    "') FROM payments.outbox WHERE payload->>'order_id' = '" + orders[i].order_id + "'"),
              "2 true")
        << "the event tells the version the payment's row has: " << i;
  }
  EXPECT_EQ(value("SELECT count(*) FROM payments.payments WHERE version = 2"), "24");
  EXPECT_EQ(processor.charges().size(), 24u);
  EXPECT_EQ(answers.stats().transactions, 24u);
  EXPECT_EQ(answers.stats().fallbacks, 0u);
}

// An order cancelled while its authorization is at the provider: its answer is refused (alone,
// whatever group it went with), the hold the provider placed is released, and the answers of the
// placements beside it are kept.
TEST_F(PaymentsSaga, AnAnswerWhosePaymentWasCancelledMeanwhile_IsRefusedAlone_AndItsHoldReleased) {
  std::vector<PaymentOrderDto> orders;
  for (int i = 0; i < 8; ++i) orders.push_back(order());
  const auto victim = orders[3];
  hooked.during_authorization = [&](const std::string& payment_id) -> asio::awaitable<void> {
    if (value("SELECT order_id FROM payments.payments WHERE id = '" + payment_id + "'") != victim.order_id) co_return;
    auto tx = co_await module.begin();
    const auto cancelled = order_event("order.cancelled", victim, "card");
    co_await saga->on_order_ended(tx, cancelled);
    co_await tx.commit();
  };
  run([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    for (const auto& o : orders) asio::co_spawn(executor, directory->authorize_card(o, "tok_visa"), asio::detached);
  }(), 2);
  for (const auto& o : orders) {
    const bool cancelled = o.order_id == victim.order_id;
    EXPECT_EQ(status(o.order_id)->status, cancelled ? "voided" : "authorized");
    EXPECT_EQ(events_of(o.order_id), cancelled ? "payment.voided" : "payment.authorized");
  }
  const auto victims_charge =
      value("SELECT provider_reference IS NULL FROM payments.payments WHERE order_id = '" + victim.order_id + "'");
  EXPECT_EQ(victims_charge, "t") << "the refused answer left nothing of itself";
  int voided = 0;
  for (const auto& c : processor.charges()) voided += c.status == "voided" ? 1 : 0;
  EXPECT_EQ(voided, 1) << "the hold the provider placed for the cancelled order is released";
  EXPECT_EQ(processor.charges().size(), 8u);
}

// The answers queued in one transaction move their payments together or not at all: one whose
// payment no longer awaits it (here at another version) makes the commit fail with
// kAnswerNotAwaited, and the other is not kept either.
TEST_F(PaymentsSaga, AnswersCommittedTogether_AreRefusedTogether_WhenOneIsNoLongerAwaited) {
  const auto first = order(), second = order();
  NewPayment a{new_uuid(), first.order_id, customer, merchant, owner, PaymentMethod::Card, "sandbox", "EUR",
               2950, 2620, 199, 131};
  NewPayment b = a;
  b.id = new_uuid();
  b.order_id = second.order_id;
  const auto claimed_a = run(payments.claim_authorization(a));
  const auto claimed_b = run(payments.claim_authorization(b));
  ASSERT_TRUE(claimed_a && claimed_b);
  EXPECT_EQ(claimed_a->version, 1);
  EXPECT_FALSE(run(payments.claim_authorization(a)).has_value()) << "asked once only";
  database.exec("UPDATE payments.payments SET version = 5 WHERE id = '" + claimed_b->id + "'");
  const auto answer = [&](const ClaimedAuthorization& claimed) -> asio::awaitable<void> {
    auto tx = co_await module.begin();
    payments.answer_at_commit(tx, claimed, ProviderAnswer{"sbx_" + claimed.id, "visa", "4242", std::nullopt},
                              PaymentStatus::Authorized, PaymentChange{});
    co_await tx.commit();
  };
  run([&]() -> asio::awaitable<void> {
    auto tx = co_await module.begin();
    payments.answer_at_commit(tx, *claimed_a, ProviderAnswer{"sbx_a", "visa", "4242", std::nullopt},
                              PaymentStatus::Authorized, PaymentChange{});
    payments.answer_at_commit(tx, *claimed_b, ProviderAnswer{"sbx_b", "visa", "4242", std::nullopt},
                              PaymentStatus::Authorized, PaymentChange{});
    try {
      co_await tx.commit();
      ADD_FAILURE() << "the stale answer was accepted";
    } catch (const db::DatabaseError& e) {
      EXPECT_EQ(e.sqlstate(), kAnswerNotAwaited);
    }
  }());
  EXPECT_EQ(value("SELECT string_agg(status || ' ' || coalesce(provider_reference, '-'), ',') FROM payments.payments"),
            "requires_authorization -,requires_authorization -");
  run(answer(*claimed_a));
  EXPECT_EQ(value("SELECT status || ' ' || version || ' ' || provider_reference || ' ' || card_last4"
                  " FROM payments.payments WHERE id = '" + claimed_a->id + "'"),
            "authorized 2 sbx_" + claimed_a->id + " 4242");
}

TEST_F(PaymentsSaga, ADeclineFailsThePaymentWithAReasonTheCustomerCanRead) {
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {"tok_declined", "card_declined"}, {"tok_insufficient_funds", "insufficient_funds"},
           {"tok_expired_card", "expired_card"}, {"tok_nonsense", "invalid_token"}}) {
    const auto o = order();
    authorize(o, token);
    const auto s = status(o.order_id);
    ASSERT_TRUE(s) << token;
    EXPECT_EQ(s->status, "failed") << token;
    EXPECT_EQ(s->failure_code, code);
    ASSERT_TRUE(s->failure_reason) << token;
    EXPECT_FALSE(s->failure_reason->empty());
    EXPECT_EQ(events_of(o.order_id), "payment.failed");
    EXPECT_EQ(value("SELECT payload->>'failure_code' || '|' || (payload->>'reason' = '" + *s->failure_reason +
                    "') FROM payments.outbox WHERE payload->>'order_id' = '" + o.order_id + "'"),
              code + "|true");
  }
}

TEST_F(PaymentsSaga, SlowAnd3dsCardsWaitForTheProviderWithTheirReferenceAndPage) {
  const auto slow = order(), three_ds = order();
  authorize(slow, "tok_slow");
  authorize(three_ds, "tok_3ds");
  EXPECT_EQ(status(slow.order_id)->status, "requires_authorization");
  EXPECT_EQ(status(slow.order_id)->action_url, std::nullopt);
  const auto s = status(three_ds.order_id);
  EXPECT_EQ(s->status, "requires_authorization");
  ASSERT_TRUE(s->action_url);
  EXPECT_EQ(s->action_url->rfind("http://sandbox.test/3ds/", 0), 0u) << *s->action_url;
  EXPECT_EQ(events_of(slow.order_id) + events_of(three_ds.order_id), "");
  EXPECT_EQ(value("SELECT count(*) FROM payments.payments WHERE provider_reference IS NOT NULL"), "2");
  // Young enough: the sweep leaves them to the provider.
  EXPECT_EQ(run(saga->sweep()), 0);
}

TEST_F(PaymentsSaga, OrderCreatedMakesThePaymentOnceAndTheHandOverUsesIt) {
  const auto o = order();
  const auto created = order_event("order.created", o, "card");
  deliver(&PaymentSaga::on_order_created, created);
  deliver(&PaymentSaga::on_order_created, created);  // redelivered
  EXPECT_EQ(value("SELECT count(*) || ' ' || status || ' ' || provider || ' ' || amount FROM payments.payments"
                  " GROUP BY status, provider, amount"),
            "1 requires_authorization sandbox 2950");
  authorize(o, "tok_visa");
  EXPECT_EQ(value("SELECT count(*) || ' ' || string_agg(status, ',') FROM payments.payments"), "1 authorized");
}

TEST_F(PaymentsSaga, TheSweepFailsACardPaymentWhoseTokenNeverArrived) {
  const auto lost = order(), young = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", lost, "card"));
  deliver(&PaymentSaga::on_order_created, order_event("order.created", young, "card"));
  const auto cash_order = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", cash_order, "cash"));
  database.exec("UPDATE payments.payments SET created_at = now() - interval '2 minutes' WHERE order_id IN ('" +
                lost.order_id + "', '" + cash_order.order_id + "')");
  EXPECT_EQ(run(saga->sweep()), 1);
  const auto s = status(lost.order_id);
  EXPECT_EQ(s->status, "failed");
  EXPECT_EQ(s->failure_code, "authorization_timeout");
  EXPECT_NE(s->failure_reason->find("No money was taken"), std::string::npos);
  EXPECT_EQ(events_of(lost.order_id), "payment.failed");
  EXPECT_EQ(status(young.order_id)->status, "requires_authorization");
  EXPECT_EQ(status(cash_order.order_id)->status, "requires_authorization") << "cash waits for the driver";
  // The token arriving after the sweep finds a failed payment and asks nobody.
  authorize(lost, "tok_visa");
  EXPECT_EQ(processor.charges().size(), 0u);
  EXPECT_EQ(run(saga->sweep()), 0);
}

TEST_F(PaymentsSaga, TheSweepVoidsAnUnconfirmed3dsPaymentAtTheProviderThenFailsIt) {
  const auto o = order();
  authorize(o, "tok_3ds");
  database.exec("UPDATE payments.payments SET created_at = now() - interval '1 hour'");
  EXPECT_EQ(run(saga->sweep()), 1);
  EXPECT_EQ(status(o.order_id)->failure_code, "confirmation_timeout");
  EXPECT_EQ(processor.charges().front().status, "voided");
}

TEST_F(PaymentsSaga, ACancelledOrdersHoldIsVoidedAndTheLedgerUntouched) {
  const auto o = order();
  authorize(o, "tok_visa");
  const auto cancelled = order_event("order.cancelled", o, "card");
  deliver(&PaymentSaga::on_order_ended, cancelled);
  deliver(&PaymentSaga::on_order_ended, cancelled);  // redelivered: nothing more
  EXPECT_EQ(status(o.order_id)->status, "voided");
  EXPECT_EQ(events_of(o.order_id), "payment.authorized,payment.voided");
  EXPECT_EQ(processor.charges().front().status, "voided");
  EXPECT_EQ(ledger_of(o.order_id), "");
  // A rejection after a decline has nothing to release.
  const auto declined = order();
  authorize(declined, "tok_declined");
  deliver(&PaymentSaga::on_order_ended, order_event("order.rejected", declined, "card"));
  EXPECT_EQ(status(declined.order_id)->status, "failed");
  // An event about an order whose payment does not exist yet is retried later.
  EXPECT_THROW(deliver(&PaymentSaga::on_order_ended, order_event("order.cancelled", order(), "card")),
               std::runtime_error);
}

TEST_F(PaymentsSaga, DeliveryCapturesTheCardWithItsLedgerLinesOnce) {
  const auto o = order();
  authorize(o, "tok_visa");
  const auto delivered = order_event("order.delivered", o, "card");
  deliver(&PaymentSaga::on_order_delivered, delivered);
  deliver(&PaymentSaga::on_order_delivered, delivered);
  EXPECT_EQ(status(o.order_id)->status, "captured");
  EXPECT_EQ(value("SELECT captured_amount FROM payments.payments"), "2950");
  EXPECT_EQ(events_of(o.order_id), "payment.authorized,payment.captured");
  EXPECT_EQ(processor.charges().front().status, "captured");
  // 10% of 26.20 is 2.62: the merchant is owed 23.58, the platform keeps 2.62 + 1.99 + 1.31.
  EXPECT_EQ(ledger_of(o.order_id), "capture:customer:2950 capture:merchant_payable:-2358 capture:platform_fees:-592");
}

TEST_F(PaymentsSaga, ACashOrderIsCollectedOnDeliveryIntoTheDriversFloat) {
  const auto o = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", o, "cash"));
  deliver(&PaymentSaga::on_order_delivered, order_event("order.delivered", o, "cash"));
  const auto s = status(o.order_id);
  EXPECT_EQ(s->status, "captured");
  EXPECT_EQ(s->method, "cash");
  EXPECT_EQ(events_of(o.order_id), "payment.captured");
  EXPECT_EQ(ledger_of(o.order_id),
            "cash_collection:driver_cash_float:2950 cash_collection:merchant_payable:-2358 "
            "cash_collection:platform_fees:-592");
  EXPECT_EQ(value("SELECT party_id FROM payments.ledger_lines WHERE account = 'driver_cash_float'"),
            deliveries.driver_id);
  // A cancelled cash order's payment is voided, nothing collected.
  const auto other = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", other, "cash"));
  deliver(&PaymentSaga::on_order_ended, order_event("order.cancelled", other, "cash"));
  EXPECT_EQ(status(other.order_id)->status, "voided");
  EXPECT_EQ(ledger_of(other.order_id), "");
}

// The server stopped after the provider authorized and before the answer was recorded: the
// provider's webhook, which echoes the payment id, finds the payment, gives it its reference and
// authorizes it; the sweep then has nothing to fail.
TEST_F(PaymentsSaga, AWebhookFindsAPaymentWhoseAnswerWasNeverRecorded) {
  const auto o = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", o, "card"));
  const std::string payment_id = value("SELECT id FROM payments.payments");
  database.exec("UPDATE payments.payments SET authorization_requested_at = now() - interval '2 minutes',"
                " created_at = now() - interval '2 minutes'");
  const auto answer = processor.authorize({payment_id, Money{2950, "EUR"}, "tok_visa"});  // lost with the server
  WebhookIntake intake(module, *bus, payments, clock);
  intake.add_provider(sandbox);
  const auto events = processor.take_events();
  ASSERT_EQ(events.size(), 1u);
  const std::string signature = signed_now(events[0].body);
  const auto receipt = run(intake.receive("sandbox", signature, events[0].body));
  EXPECT_EQ(receipt.outcome, WebhookReceipt::Outcome::Applied);
  EXPECT_EQ(value("SELECT status || ' ' || provider_reference FROM payments.payments"), "authorized " + answer.reference);
  EXPECT_EQ(events_of(o.order_id), "payment.authorized");
  EXPECT_EQ(run(saga->sweep()), 0);
  // A webhook naming an unknown payment id, or one that is no UUID, finds nothing.
  for (const std::string& id : {new_uuid(), std::string("not-a-uuid")}) {
    const std::string body = R"({"id": "evt_x)" + id + R"(", "type": "payment.authorized", "created": 1, "data":)"
                             R"( {"reference": "sbx_other", "payment_id": ")" + id + R"("}})";
    EXPECT_EQ(run(intake.receive("sandbox", signed_now(body), body)).outcome,
              WebhookReceipt::Outcome::Ignored);
  }
}

// The provider's webhook overtakes the authorization's answer: it waits for the payment's row,
// which the answer holds, and finds no reference then; it reads the payment again by the
// reference the answer committed, and records the event (ignored: nothing left to apply) about it.
TEST_F(PaymentsSaga, AWebhookThatWaitedForTheAnswersLock_IsRecordedAboutItsPayment) {
  const auto o = order();
  deliver(&PaymentSaga::on_order_created, order_event("order.created", o, "card"));
  const std::string payment_id = value("SELECT id FROM payments.payments");
  const auto answer = processor.authorize({payment_id, Money{2950, "EUR"}, "tok_visa"});
  WebhookIntake intake(module, *bus, payments, clock);
  intake.add_provider(sandbox);
  const auto events = processor.take_events();
  ASSERT_EQ(events.size(), 1u);
  const std::string signature = signed_now(events[0].body);
  WebhookReceipt receipt;
  run([&]() -> asio::awaitable<void> {
    // The answer, holding the row until it commits.
    auto answer_tx = co_await module.begin();
    const db::Params p = db::params(payment_id, answer.reference);
    co_await answer_tx.execute("UPDATE payments.payments SET provider_reference = $2, status = 'authorized',"
                               " version = 2, authorized_at = now() WHERE id = $1",
                               p);
    auto executor = co_await asio::this_coro::executor;
    std::atomic<bool> received{false};
    // Named: it outlives the coroutine it starts (this frame waits for it below).
    auto receive = [&]() -> asio::awaitable<void> {
      receipt = co_await intake.receive("sandbox", signature, events[0].body);
      received = true;
    };
    asio::co_spawn(executor, receive(), asio::detached);
    asio::steady_timer wait(executor, std::chrono::milliseconds(300));
    co_await wait.async_wait(asio::use_awaitable);
    EXPECT_FALSE(received.load()) << "the webhook waits for the answer's lock";
    co_await answer_tx.commit();
    for (int i = 0; i < 200 && !received.load(); ++i) {
      asio::steady_timer tick(executor, std::chrono::milliseconds(10));
      co_await tick.async_wait(asio::use_awaitable);
    }
  }(), 2);
  EXPECT_EQ(receipt.outcome, WebhookReceipt::Outcome::Ignored);
  EXPECT_EQ(value("SELECT outcome || ' ' || coalesce(payment_id::text, '-') FROM payments.provider_events"),
            "ignored " + payment_id);
  EXPECT_EQ(value("SELECT status || ' ' || version FROM payments.payments"), "authorized 2");
}

}  // namespace
}  // namespace nelo::test
