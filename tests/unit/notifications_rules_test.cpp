// Pure rules of the notifications module: preferences (defaults, the transactional rule), event
// payloads read into facts, push responses classified, the backoff, the push signature, the
// settings, and the request readers of /api/v1/notifications.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <string>

#include "core/errors.hpp"
#include "modules/notifications/api/v1/cursors.hpp"
#include "modules/notifications/api/v1/schemas.hpp"
#include "modules/notifications/categories.hpp"
#include "modules/notifications/notifications_settings.hpp"
#include "modules/notifications/push/push_policy.hpp"
#include "core/security/webhook_signature.hpp"
#include "modules/notifications/services/event_facts.hpp"

namespace nelo::notifications {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<FieldError> errors_of_patch(const std::string& body) {
  try {
    (void)parse_preferences_patch(json::parse(body).as_object());
  } catch (const ValidationError& e) {
    return e.errors();
  }
  return {};
}

TEST(NotificationPreferences, EveryCategoryIsListedWithItsDefaultsOrItsChoice) {
  auto all = complete_preferences({{"deliveries", Channels{true, false, true}}});
  ASSERT_EQ(all.size(), kCategories.size());
  EXPECT_EQ(all[0].category, "order_status");
  EXPECT_EQ(all[0].channels, Channels{});
  EXPECT_EQ(all[2].category, "deliveries");
  EXPECT_EQ(all[2].channels, (Channels{true, false, true}));
}

TEST(NotificationPreferences, TransactionalCategoriesKeepTheirInAppChannel) {
  EXPECT_TRUE(is_transactional("order_status"));
  EXPECT_TRUE(is_transactional("payments"));
  EXPECT_FALSE(is_transactional("deliveries"));
  EXPECT_FALSE(is_transactional("operations"));
  EXPECT_THROW(apply_patch("order_status", Channels{}, ChannelsPatch{false, {}, {}}), std::invalid_argument);
  // Push and realtime may go: at least the inbox stays.
  EXPECT_EQ(apply_patch("order_status", Channels{}, ChannelsPatch{{}, false, false}), (Channels{true, false, false}));
  EXPECT_EQ(apply_patch("deliveries", Channels{}, ChannelsPatch{false, false, false}), (Channels{false, false, false}));
}

TEST(NotificationPreferences, ThePatchReaderRefusesTheTransactionalRuleAndUnknownNames) {
  EXPECT_TRUE(errors_of_patch(R"({"categories": {"deliveries": {"push": false}}})").empty());
  auto e = errors_of_patch(R"({"categories": {"order_status": {"in_app": false}}})");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].field, "categories.order_status.in_app");
  EXPECT_NE(e[0].message.find("transactional"), std::string::npos);
  e = errors_of_patch(R"({"categories": {"marketing": {"push": false}, "payments": {"sms": true}}})");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].field, "categories.marketing");
  EXPECT_EQ(e[1].field, "categories.payments.sms");
  EXPECT_FALSE(errors_of_patch(R"({"categories": {}})").empty());
  EXPECT_FALSE(errors_of_patch(R"({"categories": {"payments": {}}})").empty());
  EXPECT_FALSE(errors_of_patch(R"({"categories": {"payments": {"push": "no"}}})").empty());
  EXPECT_FALSE(errors_of_patch(R"({"order_status": {"push": false}})").empty());
}

TEST(NotificationDevices, TheDeviceReaderChecksPlatformAndToken) {
  auto d = parse_new_device(json::parse(R"({"platform": "ios", "token": "abc123"})").as_object());
  EXPECT_EQ(d.platform, "ios");
  EXPECT_EQ(d.token, "abc123");
  EXPECT_THROW(parse_new_device(json::parse(R"({"platform": "blackberry", "token": "abc"})").as_object()), ValidationError);
  EXPECT_THROW(parse_new_device(json::parse(R"({"platform": "web", "token": "a b"})").as_object()), ValidationError);
  EXPECT_THROW(parse_new_device(json::parse(R"({"platform": "web", "token": ""})").as_object()), ValidationError);
  EXPECT_THROW(parse_new_device(json::parse(R"({"platform": "web", "token": "x", "user_id": "y"})").as_object()),
               ValidationError);
  EXPECT_THROW(parse_new_device(json::object{{"platform", "web"}, {"token", std::string(4097, 'x')}}), ValidationError);
}

TEST(NotificationInbox, TheQueryReaderChecksUnreadLimitAndCursor) {
  auto q = parse_inbox_query(std::string_view("true"), std::string_view("5"), std::nullopt);
  EXPECT_TRUE(q.unread_only);
  EXPECT_EQ(q.limit, 5u);
  EXPECT_EQ(parse_inbox_query(std::nullopt, std::string_view("1000"), std::nullopt).limit, kMaxPageSize);
  EXPECT_THROW(parse_inbox_query(std::string_view("yes"), std::nullopt, std::nullopt), ValidationError);
  EXPECT_THROW(parse_inbox_query(std::nullopt, std::string_view("0"), std::nullopt), ValidationError);
  EXPECT_THROW(parse_inbox_query(std::nullopt, std::nullopt, std::string_view("garbage")), ValidationError);
  // Another list's cursor is refused.
  const std::string failures = kPushFailureCursor.encode(PushFailureKey{Timestamp{}, "01a213b4-0776-7566-9e35-5d8cebdfb898"});
  EXPECT_THROW(parse_inbox_query(std::nullopt, std::nullopt, std::string_view(failures)), ValidationError);
  const std::string mine = kNotificationCursor.encode(NotificationKey{Timestamp{}, "01a213b4-0776-7566-9e35-5d8cebdfb898"});
  EXPECT_TRUE(parse_inbox_query(std::nullopt, std::nullopt, std::string_view(mine)).after.has_value());
}

TEST(NotificationEvents, FactsAreReadFromEachFamilyOfPayload) {
  auto order = json::parse(R"({"order_id": "01A213B4-0776-7566-9E35-5D8CEBDFB898",
      "customer_id": "01a213b4-0295-777d-a9b1-8c341bc7a5a9", "merchant_id": "01a213b4-0710-705b-afac-383928c00034",
      "merchant_owner_id": "01a213b3-ffd2-7c11-8a35-2d41bb0e9c70", "payment_method": "card",
      "total": {"amount": 2950, "currency": "EUR"}, "reason": null, "pickup": {"name": "Chez Léon"}, "version": 1})").as_object();
  auto f = read_event_facts("order.created", order);
  EXPECT_EQ(f.order_id, "01a213b4-0776-7566-9e35-5d8cebdfb898");
  EXPECT_EQ(f.merchant_owner_id, "01a213b3-ffd2-7c11-8a35-2d41bb0e9c70");
  EXPECT_EQ(f.payment_method, "card");
  EXPECT_EQ(f.amount, (Money{2950, "EUR"}));
  EXPECT_EQ(f.merchant_name, "Chez Léon");
  EXPECT_FALSE(f.reason.has_value());
  EXPECT_EQ(f.order_version, 1);

  auto payment = json::parse(R"({"payment_id": "01a213b4-0776-7566-9e35-5d8cebdfb899",
      "order_id": "01a213b4-0776-7566-9e35-5d8cebdfb898", "amount": {"amount": 1000, "currency": "EUR"},
      "reason": "Your card was declined"})").as_object();
  f = read_event_facts("payment.failed", payment);
  EXPECT_EQ(f.amount, (Money{1000, "EUR"}));
  EXPECT_EQ(f.reason, "Your card was declined");
  EXPECT_FALSE(f.customer_id.has_value());
  payment["version"] = 3;
  EXPECT_FALSE(read_event_facts("payment.failed", payment).order_version.has_value()) << "a payment's own version";
  payment["refund_amount"] = json::object{{"amount", 400}, {"currency", "EUR"}};
  EXPECT_EQ(read_event_facts("payment.refunded", payment).amount, (Money{400, "EUR"}));

  auto delivery = json::parse(R"({"delivery_id": "01a213b4-0776-7566-9e35-5d8cebdfb800",
      "order_id": "01a213b4-0776-7566-9e35-5d8cebdfb898", "driver_id": null, "waited_seconds": 301})").as_object();
  f = read_event_facts("delivery.unassigned", delivery);
  EXPECT_EQ(f.delivery_id, "01a213b4-0776-7566-9e35-5d8cebdfb800");
  EXPECT_FALSE(f.driver_id.has_value());
  EXPECT_EQ(f.waited_seconds, 301);
  EXPECT_FALSE(f.amount.has_value());
}

TEST(NotificationEvents, APayloadWithoutAValidOrderIdBreaksTheContract) {
  EXPECT_THROW(read_event_facts("order.placed", json::object{}), std::invalid_argument);
  EXPECT_THROW(read_event_facts("order.placed", json::object{{"order_id", "nope"}}), std::invalid_argument);
}

TEST(NotificationPush, ResponsesAreClassified) {
  EXPECT_EQ(classify_push_response(200, "").kind, PushOutcome::Kind::Delivered);
  EXPECT_EQ(classify_push_response(202, "{}").kind, PushOutcome::Kind::Delivered);
  EXPECT_EQ(classify_push_response(410, "").kind, PushOutcome::Kind::InvalidToken);
  EXPECT_EQ(classify_push_response(400, R"({"error": "invalid_token"})").kind, PushOutcome::Kind::InvalidToken);
  EXPECT_EQ(classify_push_response(200, R"({"error": "unregistered"})").kind, PushOutcome::Kind::InvalidToken);
  EXPECT_EQ(classify_push_response(500, "").kind, PushOutcome::Kind::Retry);
  EXPECT_EQ(classify_push_response(503, "").kind, PushOutcome::Kind::Retry);
  EXPECT_EQ(classify_push_response(429, "").kind, PushOutcome::Kind::Retry);
  EXPECT_EQ(classify_push_response(408, "").kind, PushOutcome::Kind::Retry);
  EXPECT_EQ(classify_push_response(400, "not json").kind, PushOutcome::Kind::Failed);
  EXPECT_EQ(classify_push_response(401, "").kind, PushOutcome::Kind::Failed);
  EXPECT_EQ(classify_push_response(503, "").http_status, 503);
}

TEST(NotificationPush, BackoffDoublesUpToTheCap) {
  EXPECT_EQ(push_backoff(1, 1000ms, 10'000ms), 1000ms);
  EXPECT_EQ(push_backoff(2, 1000ms, 10'000ms), 2000ms);
  EXPECT_EQ(push_backoff(3, 1000ms, 10'000ms), 4000ms);
  EXPECT_EQ(push_backoff(5, 1000ms, 10'000ms), 10'000ms);
  EXPECT_EQ(push_backoff(60, 1000ms, 10'000ms), 10'000ms);
}

TEST(NotificationPush, TheSignatureIsCheckedAgainstBodyAndSecret) {
  // The payments webhooks' scheme (core/security/webhook_signature), with the push's one secret.
  const std::vector<std::string> secret = {"a-shared-secret-0123"};
  const std::vector<std::string> another = {"another-secret-0123"};
  constexpr std::int64_t now = 1'765'000'000;
  const auto matches = [&](const std::string& header, const std::string& body, const std::vector<std::string>& s) {
    return security::check_webhook_signature(header, body, s, now, std::chrono::seconds(300)) ==
           security::SignatureCheck::Valid;
  };
  const std::string header = security::sign_webhook(secret, now, R"({"a":1})");
  EXPECT_TRUE(header.starts_with("t=1765000000,v1="));
  EXPECT_TRUE(matches(header, R"({"a":1})", secret));
  EXPECT_FALSE(matches(header, R"({"a":2})", secret));
  EXPECT_FALSE(matches(header, R"({"a":1})", another));
  EXPECT_FALSE(matches("t=1,v1=00", R"({"a":1})", secret));
  EXPECT_FALSE(matches("", "", secret));
}

TEST(NotificationSettings, DefaultsAndTheWebhookRequirements) {
  std::map<std::string, std::string> env;
  auto s = notifications_settings_from_environment(&env);
  EXPECT_EQ(s.push_provider, "log");
  EXPECT_EQ(s.push_max_attempts, 6);
  EXPECT_EQ(s.push_poll_interval, 500ms);
  EXPECT_EQ(s.retention, std::chrono::hours(24 * 90));
  env["NELO_NOTIFICATIONS_RETENTION_DAYS"] = "7";
  EXPECT_EQ(notifications_settings_from_environment(&env).retention, std::chrono::hours(24 * 7));
  env["NELO_NOTIFICATIONS_RETENTION_DAYS"] = "0";
  EXPECT_THROW(notifications_settings_from_environment(&env), std::invalid_argument);
  env.erase("NELO_NOTIFICATIONS_RETENTION_DAYS");
  env["NELO_NOTIFICATIONS_PUSH_PROVIDER"] = "webhook";
  try {
    (void)notifications_settings_from_environment(&env);
    FAIL() << "a webhook provider without URL and secret was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("NELO_NOTIFICATIONS_PUSH_WEBHOOK_SECRET"), std::string::npos);
  }
  env["NELO_NOTIFICATIONS_PUSH_WEBHOOK_SECRET"] = "0123456789abcdef";
  env["NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL"] = "http://";  // no host: refused at start, not at the first push
  EXPECT_THROW(notifications_settings_from_environment(&env), std::invalid_argument);
  env["NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL"] = "http://127.0.0.1:9/push";
  EXPECT_EQ(notifications_settings_from_environment(&env).push_provider, "webhook");
  env["NELO_NOTIFICATIONS_PUSH_PROVIDER"] = "carrier-pigeon";
  EXPECT_THROW(notifications_settings_from_environment(&env), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::notifications
