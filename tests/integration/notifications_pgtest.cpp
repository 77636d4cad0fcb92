// The notifications module on the real bus and PostgreSQL, with the real orders module (users,
// catalog and accounts described by in-test implementations of their interfaces): an order's
// events notify its customer and merchant in their language, once per event even when the same
// event is handled twice; preferences decide the channels and a push intent is written with the
// notification; payment events find their customer through OrderInterface; a failed delivery
// reaches the admins; the push sender delivers, retries then fails, and removes a device whose
// token is invalid.

#include <gtest/gtest.h>

#include <gmock/gmock.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "modules/notifications/module.hpp"
#include "modules/notifications/push/push_sender.hpp"
#include "modules/notifications/repositories/device_repository.hpp"
#include "modules/notifications/repositories/notification_repository.hpp"
#include "modules/notifications/repositories/order_progress_repository.hpp"
#include "modules/notifications/repositories/preference_repository.hpp"
#include "modules/notifications/repositories/push_repository.hpp"
#include "modules/notifications/services/device_service.hpp"
#include "modules/notifications/services/inbox_purge.hpp"
#include "modules/notifications/services/inbox_service.hpp"
#include "modules/notifications/services/notifier.hpp"
#include "modules/notifications/services/preference_service.hpp"
#include "support/orders_fixture.hpp"

namespace nelo::orders::test {
namespace {

namespace nf = nelo::notifications;

class FakeAccounts final : public AccountInterface {
 public:
  asio::awaitable<std::vector<std::string>> user_ids_with_role(std::string role, std::size_t) override {
    co_return role == "admin" ? admins : std::vector<std::string>{};
  }
  std::vector<std::string> admins;
};

// Answers each push as `answer` says for its device.
class ByDeviceProvider final : public nf::PushProvider {
 public:
  std::string name() const override { return "by-device"; }
  asio::awaitable<nf::PushOutcome> send(const nf::PushMessage& m) override {
    ++sent;
    co_return answer(m);
  }
  std::function<nf::PushOutcome(const nf::PushMessage&)> answer;
  int sent = 0;
};

class NotificationsDb : public OrdersDbTest {
 protected:
  std::vector<std::string> bus_modules() const override { return {"orders", "payments", "deliveries", "notifications"}; }

  void SetUp() override {
    OrdersDbTest::SetUp();
    run(migrate_notifications());
    accounts_.admins = {admin_};
    nf::NotificationDependencies dependencies{&users_, &catalog_, &module_->order_interface(), &accounts_};
    ModuleContext context{notifications_db_, *bus_, config_, clock_, registry_, io_.get_executor()};
    notification_module_ = nf::make_module(context, dependencies, nf::NotificationsSettings{});
    notification_module_->register_subscriptions(*bus_);
    lookup_ = std::make_unique<nf::RecipientLookup>(dependencies, clock_);
    notifier_ = std::make_unique<nf::Notifier>(*bus_, notifications_, preferences_, pushes_, progress_, *lookup_);
  }

  void TearDown() override {
    notifier_.reset();
    notification_module_.reset();
    OrdersDbTest::TearDown();
  }

  asio::awaitable<void> migrate_notifications() {
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"notifications", module_schema_templates(), nf::migrations()});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  asio::awaitable<std::string> publish(std::string publisher, std::string name, json::object payload) {
    auto tx = co_await pool_->begin(publisher);
    const std::string id = co_await bus_->publish(tx, std::move(name), 1, std::move(payload));
    co_await tx.commit();
    co_return id;
  }

  // Every event published so far reached every subscriber (notifications, and orders, whose
  // reactions publish more: payment.failed rejects the order), and notifications handled it.
  asio::awaitable<void> settled() {
    co_await eventually(
        [&] {
          return count(undelivered_sql("orders")) + count(undelivered_sql("payments")) +
                     count(undelivered_sql("deliveries")) == 0;
        },
        "events delivered to their subscribers");
  }

  std::vector<std::string> titles_of(const std::string& user) {
    return column("SELECT title FROM notifications.notifications WHERE recipient_id = '" + user +
                  "' ORDER BY created_at, id");
  }

  events::Event stored_event(const std::string& publisher, const std::string& name, const std::string& order_id) {
    events::Event e;
    e.id = value("SELECT id FROM " + publisher + ".outbox WHERE name = '" + name + "' AND payload->>'order_id' = '" +
                 order_id + "'");
    e.name = name;
    e.publisher = publisher;
    e.payload = json::parse(value("SELECT payload::text FROM " + publisher + ".outbox WHERE id = '" + e.id + "'")).as_object();
    return e;
  }

  std::string admin_ = new_uuid();
  FakeAccounts accounts_;
  db::ModuleDb notifications_db_{*pool_, "notifications"};
  nf::NotificationRepository notifications_{notifications_db_};
  nf::PreferenceRepository preferences_{notifications_db_};
  nf::DeviceRepository devices_{notifications_db_};
  nf::PushRepository pushes_{notifications_db_};
  nf::OrderProgressRepository progress_{notifications_db_};
  std::unique_ptr<nf::RecipientLookup> lookup_;
  std::unique_ptr<nf::Notifier> notifier_;
  std::unique_ptr<Module> notification_module_;
};

TEST_F(NotificationsDb, APlacedOrderTellsItsCustomerAndMerchantInTheirLanguage) {
  users_.users[owner_] = UserDto{owner_, "owner@example.com", "Owner", std::nullopt, "en"};
  const std::string id = place_ok();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  EXPECT_EQ(titles_of(customer_), (std::vector<std::string>{"Commande confirmée"}));
  EXPECT_EQ(titles_of(owner_).size(), 1u);
  EXPECT_TRUE(titles_of(owner_).at(0).starts_with("New order #")) << titles_of(owner_).at(0);
  const std::string body = value("SELECT body FROM notifications.notifications WHERE recipient_id = '" + customer_ + "'");
  EXPECT_NE(body.find("Chez Nelo"), std::string::npos) << body;
  EXPECT_NE(body.find("€"), std::string::npos) << body;
  EXPECT_EQ(value("SELECT data->>'order_id' FROM notifications.notifications WHERE recipient_id = '" + customer_ + "'"), id);
  // A cash order's order.created says nothing (order.placed follows in the same transaction).
  EXPECT_EQ(count("SELECT count(*) FROM notifications.notifications WHERE event_name = 'order.created'"), 0);
  // One notification.created per notification, for the real-time gateway.
  EXPECT_EQ(count("SELECT count(*) FROM notifications.outbox WHERE name = 'notification.created'"), 2);
  EXPECT_EQ(value("SELECT payload->>'title' || '|' || (payload->>'realtime') || '|' || (payload->>'locale') FROM"
                  " notifications.outbox WHERE payload->>'user_id' = '" + customer_ + "'"),
            "Commande confirmée|true|fr");
}

TEST_F(NotificationsDb, TheSameEventHandledTwiceNotifiesOnce) {
  const std::string id = place_ok();
  std::size_t first = 0, second = 0, before_republish = 0;
  json::object failed{{"delivery_id", new_uuid()}, {"order_id", id},       {"customer_id", customer_},
                      {"merchant_id", merchant_},  {"merchant_owner_id", owner_}, {"status", "failed"}};
  with_bus([&]() -> asio::awaitable<void> {
    co_await publish("deliveries", "delivery.failed", failed);
    co_await settled();
    // Past the bus's inbox (a replay by hand): the (event, recipient) key keeps it to one.
    const events::Event event = stored_event("deliveries", "delivery.failed", id);
    auto tx = co_await notifications_db_.begin();
    first = co_await notifier_->on_event(tx, event);
    co_await tx.commit();
    auto again = co_await notifications_db_.begin();
    second = co_await notifier_->on_event(again, event);
    co_await again.commit();
    before_republish = titles_of(customer_).size();
    // order.placed published again (a new event id, the same version of the order): stale news.
    const events::Event placed = stored_event("orders", "order.placed", id);
    co_await publish("orders", "order.placed", placed.payload);
    co_await settled();
  });
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(second, 0u);
  EXPECT_EQ(before_republish, 2u) << "order confirmed, delivery failed";
  EXPECT_EQ(titles_of(customer_).size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM notifications.notifications WHERE event_name = 'delivery.failed'"), 3)
      << "customer, merchant, admin: once each";
}

TEST_F(NotificationsDb, AnOrderEventOlderThanOneAlreadyHandledTellsNobody) {
  const std::string id = place_ok();
  act(id, Action::Accept, actor(ActorKind::Merchant, owner_));
  act(id, Action::StartPreparing, actor(ActorKind::Merchant, owner_));
  with_bus([&]() -> asio::awaitable<void> {
    co_await settled();
    // order.accepted (version 3) again, after order.preparing (version 4): a late retry.
    const events::Event accepted = stored_event("orders", "order.accepted", id);
    co_await publish("orders", "order.accepted", accepted.payload);
    co_await settled();
  });
  EXPECT_EQ(titles_of(customer_),
            (std::vector<std::string>{"Commande confirmée", "Commande acceptée", "Commande en préparation"}));
  EXPECT_EQ(value("SELECT version FROM notifications.order_progress WHERE order_id = '" + id + "'"), "4");
}

TEST_F(NotificationsDb, TheWholeLifeOfAnOrderReachesItsCustomer) {
  users_.users[customer_].locale = "en";
  const std::string id = place_ok();
  act(id, Action::Accept, actor(ActorKind::Merchant, owner_));
  act(id, Action::StartPreparing, actor(ActorKind::Merchant, owner_));
  act(id, Action::MarkReady, actor(ActorKind::Merchant, owner_));
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  EXPECT_EQ(titles_of(customer_),
            (std::vector<std::string>{"Order confirmed", "Order accepted", "Order being prepared", "Order ready"}));
}

TEST_F(NotificationsDb, PreferencesDecideTheChannelsButTransactionalMessagesStayInTheInbox) {
  nf::PreferenceService service(notifications_db_, preferences_);
  nf::PreferencesPatch patch;
  patch.categories.push_back({"order_status", nf::ChannelsPatch{std::nullopt, false, false}});
  run(service.update(customer_, patch));
  nf::PreferencesPatch off;
  off.categories.push_back({"order_status", nf::ChannelsPatch{false, std::nullopt, std::nullopt}});
  EXPECT_THROW(run(service.update(customer_, off)), ValidationError);
  nf::DeviceService devices(notifications_db_, devices_);
  run(devices.register_device(customer_, nf::NewDevice{"ios", "customer-token"}));
  run(devices.register_device(owner_, nf::NewDevice{"android", "owner-token"}));
  place_ok();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  EXPECT_EQ(titles_of(customer_).size(), 1u) << "push and realtime off, the inbox still has it";
  EXPECT_EQ(count("SELECT count(*) FROM notifications.pushes WHERE user_id = '" + customer_ + "'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM notifications.pushes WHERE user_id = '" + owner_ + "' AND status = 'pending'"), 1);
  EXPECT_EQ(value("SELECT payload->>'realtime' FROM notifications.outbox WHERE payload->>'user_id' = '" + customer_ + "'"),
            "false");
  // A switchable category switched off entirely: nothing at all is written.
  nf::PreferencesPatch quiet;
  quiet.categories.push_back({"deliveries", nf::ChannelsPatch{false, false, false}});
  run(service.update(owner_, quiet));
  EXPECT_FALSE(run(service.get(owner_))[2].channels.in_app);
}

TEST_F(NotificationsDb, PaymentEventsFindTheirCustomerThroughTheOrder) {
  const std::string id = place_ok(PaymentMethod::Card);
  with_bus([&]() -> asio::awaitable<void> {
    const json::object failed{{"payment_id", new_uuid()},
                              {"order_id", id},
                              {"status", "failed"},
                              {"amount", json::object{{"amount", 1234}, {"currency", "EUR"}}},
                              {"failure_code", "card_declined"},
                              {"reason", "Your card was declined"}};
    co_await publish("payments", "payment.failed", failed);
    co_await settled();
  });
  // Order received (a card order), the payment's failure, and the order it rejects (orders reacts
  // to payment.failed): events of two publishers, in no set order.
  auto titles = titles_of(customer_);
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"Commande refusée", "Commande reçue", "Échec du paiement"}));
  EXPECT_NE(value("SELECT body FROM notifications.notifications WHERE event_name = 'payment.failed'").find("12,34"),
            std::string::npos);
}

TEST_F(NotificationsDb, AFailedDeliveryReachesCustomerMerchantAndAdmins) {
  const std::string id = place_ok();
  with_bus([&]() -> asio::awaitable<void> {
    const json::object failed{{"delivery_id", new_uuid()},   {"order_id", id},          {"customer_id", customer_},
                              {"merchant_id", merchant_},    {"merchant_owner_id", owner_}, {"driver_id", new_uuid()},
                              {"status", "failed"},          {"reason", "Nobody home"}};
    co_await publish("deliveries", "delivery.failed", failed);
    co_await settled();
  });
  // The order's events and the delivery's run at once: look for it, not at the last one.
  EXPECT_THAT(titles_of(customer_), ::testing::Contains("Échec de la livraison"));
  EXPECT_THAT(titles_of(owner_), ::testing::Contains("Échec de la livraison"));
  ASSERT_EQ(titles_of(admin_).size(), 1u);
  EXPECT_TRUE(titles_of(admin_)[0].starts_with("Échec de livraison : #"));
  EXPECT_EQ(value("SELECT category FROM notifications.notifications WHERE recipient_id = '" + admin_ + "'"), "operations");
  EXPECT_NE(value("SELECT body FROM notifications.notifications WHERE recipient_id = '" + admin_ + "'").find("Nobody home"),
            std::string::npos);
}

TEST_F(NotificationsDb, TheInboxListsReadsAndCountsPerUser) {
  place_ok();
  place_ok();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  nf::InboxService inbox(notifications_);
  auto page = run(inbox.list(customer_, false, std::nullopt, 1));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_TRUE(page.next.has_value());
  EXPECT_EQ(page.unread_count, 2);
  auto rest = run(inbox.list(customer_, false, page.next, 10));
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_FALSE(rest.next.has_value());
  EXPECT_NE(rest.items[0].id, page.items[0].id);
  EXPECT_THROW(run(inbox.mark_read(owner_, page.items[0].id)), NotFound) << "another user's notification";
  EXPECT_THROW(run(inbox.mark_read(customer_, new_uuid())), NotFound);
  auto read = run(inbox.mark_read(customer_, page.items[0].id));
  EXPECT_TRUE(read.read_at.has_value());
  EXPECT_EQ(run(inbox.mark_read(customer_, page.items[0].id)).read_at, read.read_at) << "the first read time stays";
  EXPECT_EQ(run(inbox.unread_count(customer_)), 1);
  EXPECT_EQ(run(inbox.list(customer_, true, std::nullopt, 10)).items.size(), 1u);
  EXPECT_EQ(run(inbox.mark_all_read(customer_)), 1);
  EXPECT_EQ(run(inbox.unread_count(customer_)), 0);
  EXPECT_EQ(run(inbox.unread_count(owner_)), 2) << "the merchant's are untouched";
}

TEST_F(NotificationsDb, ThePushSenderDeliversRetriesFailsAndDropsInvalidTokens) {
  nf::DeviceService devices(notifications_db_, devices_);
  const auto phone = run(devices.register_device(owner_, nf::NewDevice{"ios", "good-token"})).device;
  const auto tablet = run(devices.register_device(owner_, nf::NewDevice{"android", "flaky-token"})).device;
  const auto old_phone = run(devices.register_device(owner_, nf::NewDevice{"web", "dead-token"})).device;
  EXPECT_FALSE(run(devices.register_device(owner_, nf::NewDevice{"ios", "good-token"})).created) << "idempotent";
  place_ok();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  ASSERT_EQ(count("SELECT count(*) FROM notifications.pushes WHERE status = 'pending'"), 3);

  nf::NotificationsSettings settings;
  settings.push_max_attempts = 2;
  settings.push_retry_base = std::chrono::milliseconds(1);
  settings.push_retry_cap = std::chrono::milliseconds(1);
  ByDeviceProvider provider;
  provider.answer = [&](const nf::PushMessage& m) {
    EXPECT_TRUE(m.token.has_value());
    EXPECT_FALSE(m.title.empty());
    nf::PushOutcome o;
    if (m.device_id == tablet.id) o = {nf::PushOutcome::Kind::Retry, 503, "HTTP 503"};
    if (m.device_id == old_phone.id) o = {nf::PushOutcome::Kind::InvalidToken, 410, "gone"};
    return o;
  };
  nf::PushSender sender(notifications_db_, pushes_, devices_, provider, settings, io_.get_executor(), registry_);
  EXPECT_EQ(run(sender.run_once()), 3u);
  // The retry is due a millisecond later; a claimed push is hidden for the lease meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(run(sender.run_once()), 1u);
  EXPECT_EQ(run(sender.run_once()), 0u);
  EXPECT_EQ(provider.sent, 4);
  auto& attempts = registry_.counter("nelo_notifications_push_attempts_total", "", {"outcome"});
  EXPECT_EQ(attempts.with({"delivered"}).value(), 1);
  EXPECT_EQ(attempts.with({"retry"}).value(), 1);
  EXPECT_EQ(attempts.with({"failed"}).value(), 1);
  EXPECT_EQ(attempts.with({"invalid_token"}).value(), 1);
  EXPECT_EQ(value("SELECT status FROM notifications.pushes WHERE device_id = '" + phone.id + "'"), "sent");
  EXPECT_EQ(value("SELECT status || ':' || attempts FROM notifications.pushes WHERE device_id = '" + tablet.id + "'"),
            "failed:2");
  EXPECT_EQ(value("SELECT string_agg(outcome, ',' ORDER BY attempt) FROM notifications.push_attempts a JOIN"
                  " notifications.pushes p ON p.id = a.push_id WHERE p.device_id = '" + tablet.id + "'"),
            "retry,failed");
  EXPECT_EQ(value("SELECT status FROM notifications.pushes WHERE device_id = '" + old_phone.id + "'"), "dropped");
  EXPECT_EQ(count("SELECT count(*) FROM notifications.devices WHERE id = '" + old_phone.id + "'"), 0)
      << "an invalid token removes its device";
  const auto failures = run(pushes_.failures(std::nullopt, 10));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].device_id, tablet.id);
  EXPECT_EQ(failures[0].attempt_log.size(), 2u);
  EXPECT_EQ(failures[0].last_http_status, 503);
}

TEST_F(NotificationsDb, NotificationsPastTheRetentionArePurgedWithTheirPushes) {
  nf::DeviceService devices(notifications_db_, devices_);
  run(devices.register_device(customer_, nf::NewDevice{"ios", "purge-token"}));
  place_ok();
  place_ok();
  with_bus([&]() -> asio::awaitable<void> { co_await settled(); });
  ASSERT_EQ(titles_of(customer_).size(), 2u);
  ASSERT_EQ(count("SELECT count(*) FROM notifications.pushes"), 2);
  const std::string old_id = value("SELECT id FROM notifications.notifications WHERE recipient_id = '" + customer_ +
                                   "' ORDER BY created_at LIMIT 1");
  database_.exec("UPDATE notifications.notifications SET created_at = now() - interval '91 days' WHERE id = '" +
                 old_id + "'");
  nf::InboxPurge purge(notifications_, progress_, clock_, std::chrono::hours(24 * 90), io_.get_executor());
  EXPECT_EQ(run(purge.run_once()), 1);
  EXPECT_EQ(run(purge.run_once()), 0);
  EXPECT_EQ(count("SELECT count(*) FROM notifications.notifications WHERE id = '" + old_id + "'"), 0);
  EXPECT_EQ(titles_of(customer_).size(), 1u) << "the recent one stays";
  EXPECT_EQ(count("SELECT count(*) FROM notifications.pushes"), 1) << "its push went with it";
}

}  // namespace
}  // namespace nelo::orders::test
