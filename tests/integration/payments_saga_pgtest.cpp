// The payments side of the saga with orders, against PostgreSQL and the in-process sandbox
// processor: the token hand-over (authorized, declined, asked once, never stored), the payment
// made from order.created when the hand-over never came and the sweep that fails it, the void of
// a cancelled order's hold, the capture on delivery and the cash collection, each with the
// payment.* event in payments.outbox and the ledger lines in the same transaction.

#include <chrono>
#include <string>

#include "core/metrics/registry.hpp"
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
  ProviderDirectory providers;
  OneDriver deliveries;
  std::unique_ptr<PaymentSaga> saga;
  std::unique_ptr<PaymentDirectory> directory;

  std::string customer = new_uuid(), merchant = new_uuid(), owner = new_uuid();

  void SetUp() override {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    migrate(*pool, {{"payments", templates, payments::migrations()}});
    bus = std::make_unique<events::OutboxEventBus>(*pool, io.get_executor(), fast_bus_options("saga-test"), registry,
                                                   std::vector<std::string>{"payments"});
    providers.add(sandbox);
    providers.add(cash);
    providers.choose_card_provider("sandbox");
    saga = std::make_unique<PaymentSaga>(module, *bus, payments, ledger, providers,
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
  const auto t = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  const std::string signature = sign_webhook(std::vector<std::string>{"whsec_test_secret_0123456789"}, t, events[0].body);
  const auto receipt = run(intake.receive("sandbox", signature, events[0].body));
  EXPECT_EQ(receipt.outcome, WebhookReceipt::Outcome::Applied);
  EXPECT_EQ(value("SELECT status || ' ' || provider_reference FROM payments.payments"), "authorized " + answer.reference);
  EXPECT_EQ(events_of(o.order_id), "payment.authorized");
  EXPECT_EQ(run(saga->sweep()), 0);
  // A webhook naming an unknown payment id, or one that is no UUID, finds nothing.
  for (const std::string& id : {new_uuid(), std::string("not-a-uuid")}) {
    const std::string body = R"({"id": "evt_x)" + id + R"(", "type": "payment.authorized", "created": 1, "data":)"
                             R"( {"reference": "sbx_other", "payment_id": ")" + id + R"("}})";
    EXPECT_EQ(run(intake.receive("sandbox", sign_webhook(std::vector<std::string>{"whsec_test_secret_0123456789"}, t, body), body)).outcome,
              WebhookReceipt::Outcome::Ignored);
  }
}

}  // namespace
}  // namespace nelo::test
