// Black-box tests of the notifications module on the real `nelo` binary and PostgreSQL: a customer
// places an order and reads "Commande confirmée" or "Order confirmed" in their inbox, in their
// language; reading one, all, and the unread count; another user's notification is a 404; the
// preferences and their transactional rule; devices; the webhook push provider delivering to a
// local HTTP receiver with a valid signature, a 410 removing the device, and a receiver that keeps
// failing making the push visible to admins.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/security/webhook_signature.hpp"
#include "support/auth_client.hpp"
#include "support/http_client.hpp"
#include "support/loopback_http_endpoint.hpp"
#include "support/nelo_process.hpp"
#include "support/shop_body.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kInbox = "/api/v1/notifications";
constexpr const char* kSecret = "push-secret-for-the-e2e-test";

struct Push {
  std::string head;
  std::string body;
  std::string token;
  int answered = 0;
};

// The status a push gateway answers for a device token: "gone-..." 410, "broken-..." 500,
// anything else 200.
int answer_for(const std::string& token) {
  if (token.starts_with("gone-")) return 410;
  if (token.starts_with("broken-")) return 500;
  return 200;
}

std::string token_of(const std::string& body) {
  try {
    return std::string(json::parse(body).at("device").at("token").as_string());
  } catch (const std::exception&) {
    return {};
  }
}

// A local HTTP receiver standing in for a push gateway: answers each push by its device token
// (answer_for) and records every request.
class PushReceiver {
 public:
  PushReceiver()
      : endpoint_(
            [](const LoopbackRequest& r) {
              LoopbackReply reply;
              reply.status = answer_for(token_of(r.body));
              return reply;
            },
            "/push") {}
  std::string url() const { return endpoint_.url(); }
  std::vector<Push> received() const {
    std::vector<Push> out;
    for (const auto& r : endpoint_.received()) {
      const std::string token = token_of(r.body);
      out.push_back(Push{r.head, r.body, token, answer_for(token)});
    }
    return out;
  }
  std::vector<Push> for_token(const std::string& token) const {
    std::vector<Push> out;
    for (auto& p : received()) {
      if (p.token == token) out.push_back(p);
    }
    return out;
  }

 private:
  LoopbackHttpEndpoint endpoint_;
};

std::string header_of(const std::string& head, const std::string& name) {
  std::string lower = head, wanted = name + ": ";
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : wanted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto at = lower.find(wanted);
  if (at == std::string::npos) return {};
  const auto end = head.find("\r\n", at);
  return head.substr(at + wanted.size(), end - at - wanted.size());
}

class NotificationsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    receiver_ = new PushReceiver();
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          {"NELO_NOTIFICATIONS_PUSH_PROVIDER", "webhook"},
                                          {"NELO_NOTIFICATIONS_PUSH_WEBHOOK_URL", receiver_->url()},
                                          {"NELO_NOTIFICATIONS_PUSH_WEBHOOK_SECRET", kSecret},
                                          {"NELO_NOTIFICATIONS_PUSH_POLL_MS", "100"},
                                          {"NELO_NOTIFICATIONS_PUSH_MAX_ATTEMPTS", "2"},
                                          {"NELO_NOTIFICATIONS_PUSH_RETRY_BASE_MS", "100"},
                                          {"NELO_NOTIFICATIONS_PUSH_RETRY_CAP_MS", "100"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
    delete receiver_;
  }

  HttpResponse send(const std::string& method, const std::string& target, const TestAccount* who,
                    const std::string& body = {}, Headers extra = {}) {
    Headers headers = std::move(extra);
    if (who) headers.push_back(bearer(who->access_token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return HttpClient("127.0.0.1", server_->port(), 15s).request(method, target, body, headers);
  }

  const TestAccount& admin() {
    if (!admin_) {
      HttpClient c("127.0.0.1", server_->port(), 15s);
      admin_ = std::make_unique<TestAccount>(make_admin(c, *db_));
    }
    return *admin_;
  }

  TestAccount customer(const std::string& locale = "fr") {
    HttpClient c("127.0.0.1", server_->port(), 15s);
    TestAccount a = register_and_login(c, unique_email("notif-customer"));
    json::object address{{"label", "Home"}, {"line1", "1 rue Test"}, {"city", "Paris"}, {"postal_code", "75004"},
                         {"country", "FR"}, {"lat", 48.8606},        {"lng", 2.3376}};
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = send("POST", "/api/v1/users/me/addresses", &a, json::serialize(address));
      if (r.status == 201) {
        addresses_[a.user_id] = std::string(r.json().at("id").as_string());
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    if (locale != "fr") {
      auto r = send("PATCH", "/api/v1/users/me", &a, json::serialize(json::object{{"locale", locale}}));
      EXPECT_EQ(r.status, 200) << r.body;
    }
    return a;
  }

  // A merchant with an open shop and one product; returns {owner, merchant id, product id}.
  struct Shop {
    TestAccount owner;
    std::string merchant;
    std::string product;
  };
  Shop shop() {
    HttpClient c("127.0.0.1", server_->port(), 15s);
    Shop s;
    s.owner = register_with_role(c, admin(), unique_email("notif-merchant"), "merchant");
    auto m = send("POST", "/api/v1/catalog/merchants", &s.owner, json::serialize(shop_body("Chez Notif " + s.owner.email)));
    EXPECT_EQ(m.status, 201) << m.body;
    s.merchant = std::string(m.json().at("id").as_string());
    json::object product{{"name", "Margherita"}, {"price", json::object{{"amount", 1950}, {"currency", "EUR"}}}};
    auto p = send("POST", "/api/v1/catalog/merchants/" + s.merchant + "/products", &s.owner, json::serialize(product));
    EXPECT_EQ(p.status, 201) << p.body;
    s.product = std::string(p.json().at("id").as_string());
    return s;
  }

  std::string order(const TestAccount& who, const Shop& s) {
    json::object body{{"merchant_id", s.merchant},
                      {"items", json::array{json::object{{"product_id", s.product}, {"quantity", 1}}}},
                      {"address_id", addresses_.at(who.user_id)},
                      {"payment", json::object{{"method", "cash"}}}};
    auto r = send("POST", "/api/v1/orders", &who, json::serialize(body), {{"Idempotency-Key", unique_email("key")}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("id").as_string()) : std::string();
  }

  // The caller's inbox once it holds at least `at_least` notifications (or after 15 s).
  json::value inbox(const TestAccount& who, std::size_t at_least, const std::string& query = {}) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (true) {
      auto r = send("GET", std::string(kInbox) + query, &who);
      EXPECT_EQ(r.status, 200) << r.body;
      json::value page = r.json();
      if (page.at("items").as_array().size() >= at_least || std::chrono::steady_clock::now() >= deadline) return page;
      std::this_thread::sleep_for(100ms);
    }
  }

  template <class Condition>
  bool eventually(Condition condition, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(100ms);
    }
    return true;
  }

  static PushReceiver* receiver_;
  static TestDatabase* db_;
  static NeloProcess* server_;
  static std::unique_ptr<TestAccount> admin_;
  static std::map<std::string, std::string> addresses_;  // user id -> address id
};
PushReceiver* NotificationsE2E::receiver_ = nullptr;
TestDatabase* NotificationsE2E::db_ = nullptr;
NeloProcess* NotificationsE2E::server_ = nullptr;
std::unique_ptr<TestAccount> NotificationsE2E::admin_;
std::map<std::string, std::string> NotificationsE2E::addresses_;

TEST_F(NotificationsE2E, ACustomerReadsOrderConfirmedInTheirLanguage) {
  const Shop s = shop();
  const TestAccount elodie = customer("fr");
  const TestAccount emma = customer("en");
  const std::string first = order(elodie, s);
  order(emma, s);

  json::value fr = inbox(elodie, 1);
  const json::array& fr_items = fr.at("items").as_array();
  ASSERT_EQ(fr_items.size(), 1u) << json::serialize(fr);
  EXPECT_EQ(fr_items[0].at("title").as_string(), "Commande confirmée");
  EXPECT_NE(std::string(fr_items[0].at("body").as_string()).find("Chez Notif"), std::string::npos);
  EXPECT_NE(std::string(fr_items[0].at("body").as_string()).find("€"), std::string::npos);
  EXPECT_EQ(fr_items[0].at("data").at("order_id").as_string(), first);
  EXPECT_EQ(fr_items[0].at("locale").as_string(), "fr");
  EXPECT_EQ(fr_items[0].at("read").as_bool(), false);
  EXPECT_EQ(fr.at("unread_count").as_int64(), 1);

  json::value en = inbox(emma, 1);
  ASSERT_EQ(en.at("items").as_array().size(), 1u);
  EXPECT_EQ(en.at("items").as_array()[0].at("title").as_string(), "Order confirmed");

  // The merchant hears of both orders; each customer sees their own only.
  json::value merchant = inbox(s.owner, 2);
  const json::array& merchant_items = merchant.at("items").as_array();
  ASSERT_EQ(merchant_items.size(), 2u);
  EXPECT_TRUE(std::string(merchant_items[0].at("title").as_string()).starts_with("Nouvelle commande #"));

  // Reading: another user's notification is a 404, like one that does not exist.
  const std::string id(fr_items[0].at("id").as_string());
  EXPECT_EQ(send("POST", std::string(kInbox) + "/" + id + "/read", &emma).status, 404);
  EXPECT_EQ(send("POST", std::string(kInbox) + "/not-a-uuid/read", &elodie).status, 404);
  auto read = send("POST", std::string(kInbox) + "/" + id + "/read", &elodie);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(read.json().at("read").as_bool());
  EXPECT_EQ(send("GET", std::string(kInbox) + "/unread-count", &elodie).json().at("unread_count").as_int64(), 0);
  EXPECT_EQ(inbox(elodie, 0, "?unread=true").at("items").as_array().size(), 0u);
  EXPECT_EQ(send("GET", std::string(kInbox) + "?unread=maybe", &elodie).status, 422);

  EXPECT_EQ(send("GET", std::string(kInbox) + "/unread-count", &s.owner).json().at("unread_count").as_int64(), 2);
  auto all = send("POST", std::string(kInbox) + "/read-all", &s.owner);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json().at("marked_read").as_int64(), 2);
  EXPECT_EQ(all.json().at("unread_count").as_int64(), 0);
  EXPECT_EQ(send("GET", std::string(kInbox) + "/unread-count", &emma).json().at("unread_count").as_int64(), 1)
      << "read-all touched the merchant's only";

  // Cursor pagination over the merchant's two.
  json::value page = inbox(s.owner, 1, "?limit=1");
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  ASSERT_TRUE(page.at("next_cursor").is_string());
  json::value rest = inbox(s.owner, 1, "?limit=1&cursor=" + std::string(page.at("next_cursor").as_string()));
  ASSERT_EQ(rest.at("items").as_array().size(), 1u);
  EXPECT_NE(rest.at("items").as_array()[0].at("id"), page.at("items").as_array()[0].at("id"));
  EXPECT_TRUE(rest.at("next_cursor").is_null());
  EXPECT_EQ(send("GET", std::string(kInbox) + "?cursor=garbage", &s.owner).status, 422);
}

TEST_F(NotificationsE2E, PreferencesAreRespectedAndTransactionalMessagesCannotBeSwitchedOff) {
  const Shop s = shop();
  const TestAccount c = customer();
  auto got = send("GET", std::string(kInbox) + "/preferences", &c);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_TRUE(got.json().at("categories").at("order_status").at("in_app").as_bool());
  EXPECT_TRUE(got.json().at("categories").at("order_status").at("transactional").as_bool());
  EXPECT_FALSE(got.json().at("categories").at("deliveries").at("transactional").as_bool());

  auto refused = send("PUT", std::string(kInbox) + "/preferences", &c,
                      R"({"categories": {"order_status": {"in_app": false}, "deliveries": {"push": false}}})");
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("transactional"), std::string::npos);
  EXPECT_TRUE(send("GET", std::string(kInbox) + "/preferences", &c).json().at("categories").at("deliveries").at("push").as_bool())
      << "nothing changed";
  EXPECT_EQ(send("PUT", std::string(kInbox) + "/preferences", &c, R"({"categories": {"news": {"push": false}}})").status, 422);

  // Push off for order_status: the inbox still has it, no push is sent to the device.
  auto put = send("PUT", std::string(kInbox) + "/preferences", &c,
                  R"({"categories": {"order_status": {"push": false, "realtime": false}}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_FALSE(put.json().at("categories").at("order_status").at("push").as_bool());
  EXPECT_TRUE(put.json().at("categories").at("order_status").at("in_app").as_bool());
  const std::string token = "quiet-" + unique_email("t");
  ASSERT_EQ(send("POST", std::string(kInbox) + "/devices", &c, json::serialize(json::object{{"platform", "ios"}, {"token", token}})).status, 201);
  order(c, s);
  ASSERT_EQ(inbox(c, 1).at("items").as_array().size(), 1u);
  // The merchant's push (on by default) reaches the receiver; the customer's never does.
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(receiver_->for_token(token).empty());
}

TEST_F(NotificationsE2E, DevicesAndTheWebhookProvider) {
  const Shop s = shop();
  const TestAccount c = customer();
  const TestAccount other = customer();
  const std::string good = "good-" + unique_email("t"), gone = "gone-" + unique_email("t"), broken = "broken-" + unique_email("t");
  auto first = send("POST", std::string(kInbox) + "/devices", &c, json::serialize(json::object{{"platform", "ios"}, {"token", good}}));
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = send("POST", std::string(kInbox) + "/devices", &c, json::serialize(json::object{{"platform", "ios"}, {"token", good}}));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("id"), first.json().at("id")) << "idempotent per token";
  const std::string gone_id(send("POST", std::string(kInbox) + "/devices", &c,
                                 json::serialize(json::object{{"platform", "android"}, {"token", gone}})).json().at("id").as_string());
  ASSERT_EQ(send("POST", std::string(kInbox) + "/devices", &c,
                 json::serialize(json::object{{"platform", "web"}, {"token", broken}})).status, 201);
  EXPECT_EQ(send("POST", std::string(kInbox) + "/devices", &c, R"({"platform": "pager", "token": "x"})").status, 422);
  EXPECT_EQ(send("DELETE", std::string(kInbox) + "/devices/" + gone_id, &other).status, 404) << "another user's device";
  EXPECT_EQ(send("GET", std::string(kInbox) + "/devices", &c).json().at("items").as_array().size(), 3u);

  const std::string order_id = order(c, s);
  ASSERT_TRUE(eventually([&] { return !receiver_->for_token(good).empty(); })) << "no push reached the receiver";
  const Push push = receiver_->for_token(good).front();
  const json::value message = json::parse(push.body);
  EXPECT_EQ(message.at("title").as_string(), "Commande confirmée");
  EXPECT_EQ(message.at("user_id").as_string(), c.user_id);
  EXPECT_EQ(message.at("data").at("order_id").as_string(), order_id);
  const std::string signature = header_of(push.head, "Nelo-Signature");
  const auto signed_with = [&](const std::string& secret) {
    const std::vector<std::string> secrets = {secret};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    return security::check_webhook_signature(signature, push.body, secrets, now, std::chrono::seconds(300));
  };
  EXPECT_EQ(signed_with(kSecret), security::SignatureCheck::Valid) << signature;
  EXPECT_EQ(signed_with("another secret entirely"), security::SignatureCheck::Mismatch);
  EXPECT_EQ(header_of(push.head, "Idempotency-Key"), std::string(message.at("push_id").as_string()));

  // 410: the device is removed.
  ASSERT_TRUE(eventually([&] {
    return send("GET", std::string(kInbox) + "/devices", &c).json().at("items").as_array().size() == 2;
  })) << "the device whose token is gone was not removed";
  EXPECT_EQ(receiver_->for_token(gone).size(), 1u) << "never retried";

  // 500 twice (max attempts 2): failed, visible to admins, with its attempts.
  json::array failures;
  ASSERT_TRUE(eventually([&] {
    auto r = send("GET", std::string(kInbox) + "/push-failures", &admin());
    if (r.status != 200) return false;
    failures.clear();
    json::value body = r.json();
    for (const auto& f : body.at("items").as_array()) {
      if (f.at("user_id").as_string() == c.user_id) failures.push_back(f);
    }
    return !failures.empty();
  })) << "the failing push did not become visible to admins";
  EXPECT_EQ(failures[0].at("attempts").as_int64(), 2);
  EXPECT_EQ(failures[0].at("last_http_status").as_int64(), 500);
  EXPECT_EQ(failures[0].at("attempt_log").as_array().size(), 2u);
  EXPECT_EQ(receiver_->for_token(broken).size(), 2u);
  EXPECT_EQ(send("GET", std::string(kInbox) + "/push-failures", &c).status, 403);

  // Deleting a device: 204, then 404.
  const std::string good_id(first.json().at("id").as_string());
  EXPECT_EQ(send("DELETE", std::string(kInbox) + "/devices/" + good_id, &c).status, 204);
  EXPECT_EQ(send("DELETE", std::string(kInbox) + "/devices/" + good_id, &c).status, 404);
}

}  // namespace
}  // namespace nelo::test
