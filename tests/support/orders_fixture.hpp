#pragma once
// Set-up of the orders pg suites: a fresh database migrated with the orders module (event tables,
// idempotency keys, its own tables) and two stand-in schemas, "payments" and "deliveries" (event
// tables only), to publish their events from; a pool, a real outbox bus with the orders module
// subscribed, the orders services, and in-test implementations of UserInterface and
// CatalogInterface (fakes of the interfaces only: the database is always real). Helpers place
// orders and read the database as the superuser.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/db/errors.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/migrator.hpp"
#include "core/db/module_db.hpp"
#include "core/db/pool.hpp"
#include "core/http/problem.hpp"
#include "core/metrics/registry.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "shared/interfaces/payment_interface.hpp"
#include "modules/orders/api/v1/schemas.hpp"
#include "modules/orders/models.hpp"
#include "modules/orders/module.hpp"
#include "modules/orders/repositories/order_repository.hpp"
#include "modules/orders/services/order_checkout.hpp"
#include "modules/orders/services/order_directory.hpp"
#include "modules/orders/services/order_placement.hpp"
#include "modules/orders/services/order_queries.hpp"
#include "modules/orders/services/order_workflow.hpp"
#include "shared/events/outbox_event_bus.hpp"
#include "shared/module.hpp"
#include "support/test_bus_options.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/keyed_request.hpp"
#include "support/bus_sql.hpp"
#include "support/eventually.hpp"
#include "support/run_async.hpp"
#include "support/run_with_bus.hpp"
#include "support/test_database.hpp"

namespace nelo::orders::test {

using nelo::test::delivery_status_sql;
using nelo::test::eventually;
using nelo::test::undelivered_sql;

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

// --- in-test implementations of the interfaces orders asks ---

class FakeUsers final : public UserInterface {
 public:
  std::map<std::string, UserDto> users;
  std::map<std::string, AddressDto> addresses;  // by address id
  std::atomic<bool> down{false};                // every call throws db::Unavailable

  asio::awaitable<std::optional<UserDto>> get_user_by_id(std::string user_id) override {
    if (down) throw db::Unavailable("users database unreachable (test)");
    auto it = users.find(user_id);
    if (it == users.end()) co_return std::nullopt;
    co_return it->second;
  }

  asio::awaitable<std::optional<AddressDto>> get_user_address(std::string user_id, std::string address_id) override {
    if (down) throw db::Unavailable("users database unreachable (test)");
    auto it = addresses.find(address_id);
    if (it == addresses.end() || it->second.user_id != user_id) co_return std::nullopt;
    co_return it->second;
  }
};

class FakeCatalog final : public CatalogInterface {
 public:
  std::map<std::string, MerchantDto> merchants;
  std::map<std::string, ProductDto> products;
  std::atomic<bool> down{false};
  std::atomic<int> product_calls{0};

  asio::awaitable<std::optional<MerchantDto>> get_merchant(std::string merchant_id, Timestamp) override {
    if (down) throw db::Unavailable("catalog database unreachable (test)");
    auto it = merchants.find(merchant_id);
    if (it == merchants.end()) co_return std::nullopt;
    co_return it->second;
  }

  asio::awaitable<std::vector<ProductDto>> get_products(std::string merchant_id,
                                                        std::vector<std::string> product_ids) override {
    if (down) throw db::Unavailable("catalog database unreachable (test)");
    product_calls.fetch_add(1);
    std::vector<ProductDto> out;
    for (const auto& id : product_ids) {
      auto it = products.find(id);
      if (it != products.end() && it->second.merchant_id == merchant_id) out.push_back(it->second);
    }
    co_return out;
  }
};

class FakeDeliveries final : public DeliveryInterface {
 public:
  std::optional<DeliverySummaryDto> delivery;
  std::atomic<bool> down{false};

  asio::awaitable<std::optional<DeliverySummaryDto>> get_delivery_for_order(std::string) override {
    if (down) throw db::Unavailable("deliveries unreachable (test)");
    co_return delivery;
  }
  asio::awaitable<std::optional<PositionWatchDto>> position_watch(std::string, std::string,
                                                                  std::vector<std::string>) override {
    co_return std::nullopt;
  }
};

// Records the card tokens handed over (what payments would authorize) and answers a fixed status.
class FakePayments final : public PaymentInterface {
 public:
  std::vector<std::pair<PaymentOrderDto, std::string>> authorizations;
  std::optional<PaymentStatusDto> status;
  std::atomic<bool> down{false};

  asio::awaitable<void> authorize_card(PaymentOrderDto order, std::string card_token) override {
    if (down) throw db::Unavailable("payments unreachable (test)");
    authorizations.emplace_back(std::move(order), std::move(card_token));
    co_return;
  }
  asio::awaitable<std::optional<PaymentStatusDto>> get_payment_for_order(std::string) override {
    if (down) throw db::Unavailable("payments unreachable (test)");
    co_return status;
  }
};

// Publishes through the real bus, except the event named `fail_on`, which throws: a failure in
// the middle of a business transaction.
class FailingBus final : public events::EventBus {
 public:
  FailingBus(events::EventBus& inner, std::string fail_on) : inner_(inner), fail_on_(std::move(fail_on)) {}

  asio::awaitable<std::string> publish(db::CommitWriter& tx, std::string name, int version,
                                       json::object payload) override {
    if (name == fail_on_) throw std::runtime_error("injected failure publishing " + name);
    co_return co_await inner_.publish(tx, std::move(name), version, std::move(payload));
  }
  void subscribe_batch(std::string subscriber, std::string event_name, events::BatchHandler handler) override {
    inner_.subscribe_batch(std::move(subscriber), std::move(event_name), std::move(handler));
  }

 private:
  events::EventBus& inner_;
  std::string fail_on_;
};

// --- the fixture ---

struct Placed {
  idempotency::StoredResponse response;
  bool replayed = false;
  json::value body() const { return json::parse(response.body); }
  std::string id() const { return std::string(body().at("id").as_string()); }
};

class OrdersDbTest : public ::testing::Test {
 protected:
  // Paris, Hôtel de Ville; the customer's home is ~1.3 km away, the far address ~10 km.
  static constexpr double kMerchantLat = 48.8566;
  static constexpr double kMerchantLng = 2.3522;

  static db::PoolOptions pool_options(const nelo::test::TestDatabase& database) {
    db::PoolOptions options;
    options.conninfo = database.conninfo();
    options.max_size = 8;
    options.acquire_timeout = 10s;
    options.application_name = "nelo-orders-test";
    return options;
  }

  static OrdersSettings settings() {
    OrdersSettings s;
    s.pricing.delivery_fee_tiers = {{2000, 199}, {4000, 299}, {7000, 399}};
    s.pricing.service_fee_bps = 500;
    s.pricing.service_fee_min = 49;
    s.pricing.service_fee_max = 499;
    return s;
  }

  void SetUp() override {
    run(migrate());
    bus_ = std::make_unique<events::OutboxEventBus>(*pool_, io_.get_executor(),
                                                    nelo::test::fast_bus_options("orders-test"),
                                                    registry_, bus_modules());
    ModuleContext context{module_db_, *bus_, config_, clock_, registry_, io_.get_executor()};
    OrdersDependencies dependencies{&users_, &catalog_, nullptr};
    module_ = make_module(context, dependencies, settings());
    module_->register_subscriptions(*bus_);
    workflow_ = std::make_unique<OrderWorkflow>(module_db_, *bus_, orders_, registry_);
    placement_ =
        std::make_unique<OrderPlacement>(placements_, *bus_, checkout_, orders_, *workflow_, &payments_, clock_);
    seed_world();
  }

  // The modules the bus serves: a suite that adds a subscribing module names it too.
  virtual std::vector<std::string> bus_modules() const { return {"orders", "payments", "deliveries"}; }

  void TearDown() override {
    placement_.reset();
    workflow_.reset();
    module_.reset();
    bus_.reset();
    if (pool_) pool_->close();
  }

  asio::awaitable<void> migrate() {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    std::vector<db::SchemaMigrations> schemas;
    schemas.push_back({"orders", templates, migrations()});
    schemas.push_back({"payments", templates, {}});
    schemas.push_back({"deliveries", templates, {}});
    db::Migrator migrator(*pool_);
    co_await migrator.migrate(schemas);
  }

  // --- the world the fakes describe ---

  std::string customer_ = new_uuid();
  std::string other_customer_ = new_uuid();
  std::string owner_ = new_uuid();        // the merchant user who owns merchant_
  std::string other_owner_ = new_uuid();  // owns other_merchant_
  std::string merchant_ = new_uuid();
  std::string other_merchant_ = new_uuid();
  std::string home_ = new_uuid();         // customer_'s address, ~1.3 km from merchant_
  std::string far_ = new_uuid();          // customer_'s address, ~10 km away
  std::string others_home_ = new_uuid();  // other_customer_'s address
  std::string pizza_ = new_uuid();        // 950 EUR cents
  std::string salad_ = new_uuid();        // 720
  std::string sold_out_ = new_uuid();     // unavailable
  std::string dollars_ = new_uuid();      // priced in USD
  std::string foreign_ = new_uuid();      // a product of other_merchant_

  void seed_world() {
    users_.users[customer_] = UserDto{customer_, "elodie@example.com", "Élodie Martin", "+33612345678", "fr"};
    users_.users[other_customer_] = UserDto{other_customer_, "bob@example.com", "Bob", std::nullopt, "en"};
    users_.addresses[home_] = address(home_, customer_, "Home", 48.8606, 2.3376);
    users_.addresses[far_] = address(far_, customer_, "Far", 48.9200, 2.2500);
    users_.addresses[others_home_] = address(others_home_, other_customer_, "Bob's", 48.8600, 2.3400);
    catalog_.merchants[merchant_] = merchant(merchant_, owner_, "Chez Nelo");
    catalog_.merchants[other_merchant_] = merchant(other_merchant_, other_owner_, "Other Place");
    catalog_.products[pizza_] = product(pizza_, merchant_, "Margherita", 950);
    catalog_.products[salad_] = product(salad_, merchant_, "Salade niçoise", 720);
    catalog_.products[sold_out_] = product(sold_out_, merchant_, "Tiramisu", 450, false);
    catalog_.products[dollars_] = product(dollars_, merchant_, "Imported soda", 300, true, "USD");
    catalog_.products[foreign_] = product(foreign_, other_merchant_, "Elsewhere", 500);
  }

  static AddressDto address(std::string id, std::string user_id, std::string label, double lat, double lng) {
    AddressDto a;
    a.id = std::move(id);
    a.user_id = std::move(user_id);
    a.label = std::move(label);
    a.line1 = "10 rue de Rivoli";
    a.city = "Paris";
    a.postal_code = "75004";
    a.country = "FR";
    a.lat = lat;
    a.lng = lng;
    a.instructions = "Code 4521B";
    return a;
  }

  static MerchantDto merchant(std::string id, std::string owner_id, std::string name) {
    MerchantDto m;
    m.id = std::move(id);
    m.owner_id = std::move(owner_id);
    m.name = std::move(name);
    m.phone = "+33140000000";
    m.address = "1 place de l'Hôtel de Ville, 75004 Paris";
    m.lat = kMerchantLat;
    m.lng = kMerchantLng;
    m.time_zone = "Europe/Paris";
    m.prep_time_minutes = 15;
    m.min_order = Money{1000, "EUR"};
    m.delivery_radius_m = 5000;
    m.open = true;
    return m;
  }

  static ProductDto product(std::string id, std::string merchant_id, std::string name, std::int64_t price,
                            bool available = true, std::string currency = "EUR") {
    ProductDto p;
    p.id = std::move(id);
    p.merchant_id = std::move(merchant_id);
    p.name = std::move(name);
    p.price = Money{price, std::move(currency)};
    p.available = available;
    return p;
  }

  // --- requests ---

  OrderRequest request(PaymentMethod method = PaymentMethod::Cash) const {
    OrderRequest r;
    r.merchant_id = merchant_;
    r.address_id = home_;
    RequestedItem pizza;
    pizza.product_id = pizza_;
    pizza.quantity = 2;
    RequestedItem salad;
    salad.product_id = salad_;
    salad.quantity = 1;
    r.items = {pizza, salad};
    Payment payment;
    payment.method = method;
    if (method == PaymentMethod::Card) payment.token = "tok_visa_4242";
    r.payment = payment;
    r.notes = "Ring twice";
    return r;
  }

  // What the API layer stores as a key's answer (shared/idempotency/keyed_request.hpp).
  static idempotency::Renderings<Order> renderings() {
    idempotency::Renderings<Order> r;
    r.created = [](const Order& order) {
      idempotency::StoredResponse s;
      s.status = 201;
      s.body = to_json_text(order);
      s.content_type = "application/json";
      return s;
    };
    r.refused = [](const Error& error) {
      http::Response problem = http::problem_response(error, "/api/v1/orders", "test-request");
      idempotency::StoredResponse s;
      s.status = problem.status;
      s.body = problem.body;
      s.content_type = problem.content_type;
      return s;
    };
    return r;
  }

  // Places `r` for `customer` with `key`, as the route does; the body that fingerprints it is
  // `r`'s JSON, so two different requests never share a fingerprint.
  asio::awaitable<Placed> place_async(OrderRequest r, std::string key, std::string customer,
                                      OrderPlacement* placement = nullptr) {
    json::object body{{"merchant_id", r.merchant_id}, {"address_id", r.address_id}};
    json::array items;
    for (const auto& i : r.items) items.push_back(json::object{{"product_id", i.product_id}, {"quantity", i.quantity}});
    body["items"] = std::move(items);
    body["payment"] = json::string(r.payment ? (r.payment->method == PaymentMethod::Card ? "card" : "cash") : "none");
    auto claim = co_await keys_.claim(customer, std::move(key),
                                      idempotency::request_fingerprint("POST", "/api/v1/orders", json::serialize(body)));
    const idempotency::Renderings<Order> rendered = renderings();
    OrderPlacement& p = placement ? *placement : *placement_;
    std::function<asio::awaitable<Order>(db::CommitStep<Order>)> work = [&](db::CommitStep<Order> commit) {
      return p.place(customer, r, std::move(commit));
    };
    auto answer = co_await idempotency::answer_keyed<Order>(keys_, std::move(claim), "order", rendered, std::move(work));
    Placed placed;
    placed.response = std::move(answer.response);
    placed.replayed = answer.replayed;
    co_return placed;
  }

  Placed place(OrderRequest r, std::string key = new_uuid(), std::string customer = {}) {
    if (customer.empty()) customer = customer_;
    return run(place_async(std::move(r), std::move(key), std::move(customer)));
  }

  // A created order's id (expects a 201).
  std::string place_ok(PaymentMethod method = PaymentMethod::Cash) {
    const Placed p = place(request(method));
    EXPECT_EQ(p.response.status, 201) << p.response.body;
    return p.id();
  }

  static Actor actor(ActorKind kind, std::string id) {
    Actor a;
    a.kind = kind;
    a.id = std::move(id);
    return a;
  }

  Order act(const std::string& order_id, Action action, Actor who, std::optional<std::string> reason = std::nullopt) {
    return run(workflow_->perform(order_id, action, std::move(who), std::move(reason)));
  }

  static Viewer viewer(std::string user_id, bool customer, bool merchant = false, bool admin = false) {
    Viewer v;
    v.user_id = std::move(user_id);
    v.customer = customer;
    v.merchant = merchant;
    v.admin = admin;
    return v;
  }

  // --- running ---

  // Runs `body` with the bus dispatching (support/run_with_bus.hpp).
  void with_bus(std::function<asio::awaitable<void>()> body) { nelo::test::run_with_bus(io_, *bus_, body); }

  template <class T>
  T run(asio::awaitable<T> work) {
    return nelo::test::run_async(io_, std::move(work), 2);
  }

  // Runs all of `tasks` at once on two threads.
  void run_concurrently(std::vector<std::function<asio::awaitable<void>()>> tasks) {
    for (auto& task : tasks) {
      asio::co_spawn(io_, task(), [](std::exception_ptr e) {
        if (e) ADD_FAILURE() << "a concurrent task threw unexpectedly";
      });
    }
    io_.restart();
    std::thread other([this] { io_.run(); });
    io_.run();
    other.join();
  }

  // What placements run at once got: 201s (first or replayed, their bodies by key), 409s, and
  // anything else.
  struct ConcurrentOutcomes {
    std::atomic<int> created{0}, replayed{0}, in_flight{0}, other{0};
    std::mutex mutex;
    std::map<std::string, std::set<std::string>> bodies_by_key;
    std::set<std::string> created_ids;  // of the first (not replayed) 201s
  };

  // Places request() for the customer once per key of `keys` (repeat a key to race it), all at once.
  void place_at_once(const std::vector<std::string>& keys, ConcurrentOutcomes& out) {
    std::vector<std::function<asio::awaitable<void>()>> tasks;
    for (const auto& key : keys) {
      tasks.push_back([this, key, &out]() -> asio::awaitable<void> {
        std::optional<Placed> placed;
        try {
          placed = co_await place_async(request(), key, customer_);
        } catch (const Conflict& e) {
          (e.type() == "idempotency-key-in-use" ? out.in_flight : out.other).fetch_add(1);
        } catch (...) {
          out.other.fetch_add(1);
        }
        if (!placed) co_return;
        (placed->replayed ? out.replayed : out.created).fetch_add(1);
        std::lock_guard lock(out.mutex);
        out.bodies_by_key[key].insert(placed->response.body);
        if (!placed->replayed) out.created_ids.insert(placed->id());
      });
    }
    run_concurrently(std::move(tasks));
  }

  // --- reading the database as the superuser ---

  std::string value(const std::string& sql) const { return database_.value(sql); }
  std::vector<std::string> column(const std::string& sql) const { return database_.column(sql); }
  std::int64_t count(const std::string& sql) const { return std::stoll(value(sql)); }
  std::string status_of(const std::string& order_id) const {
    return value("SELECT status FROM orders.orders WHERE id = '" + order_id + "'");
  }
  std::vector<std::string> events_of(const std::string& order_id) const {
    return column("SELECT name FROM orders.outbox WHERE payload->>'order_id' = '" + order_id + "' ORDER BY seq");
  }
  std::vector<std::string> history_of(const std::string& order_id) const {
    return column("SELECT coalesce(from_status, '-') || '>' || to_status || ':' || actor_kind FROM " +
                  history_rows() + " WHERE order_id = '" + order_id + "' ORDER BY id");
  }
  // Every order's history entries as rows (order_id, id = position, from_status, to_status,
  // action, actor_kind, actor_id, reason), for queries on the `history` documents.
  static std::string history_rows() {
    return "(SELECT o.id AS order_id, e.n AS id, e.h->>'from_status' AS from_status, e.h->>'to_status' AS to_status,"
           " e.h->>'action' AS action, e.h->>'actor_kind' AS actor_kind, e.h->>'actor_id' AS actor_id,"
           " e.h->>'reason' AS reason FROM orders.orders o, jsonb_array_elements(o.history) WITH ORDINALITY AS e(h, n))"
           " AS history_rows";
  }

  // Declaration order matters: what uses the pool dies before it, the io_context after them,
  // the database last.
  nelo::test::TestDatabase database_;
  asio::io_context io_;
  metrics::Registry registry_;
  Config config_;
  SystemClock clock_;
  FakeUsers users_;
  FakeCatalog catalog_;
  FakeDeliveries deliveries_;
  FakePayments payments_;
  std::shared_ptr<db::Pool> pool_ = db::Pool::create(io_.get_executor(), pool_options(database_));
  db::ModuleDb module_db_{*pool_, "orders"};  // what the composition root hands the module
  std::unique_ptr<events::OutboxEventBus> bus_;
  OrderRepository orders_{module_db_, io_.get_executor(), &registry_};
  idempotency::IdempotencyStore keys_{module_db_, clock_};
  db::GroupCommit placements_{module_db_, io_.get_executor(), {.name = "orders.placements"}, &registry_};
  OrderCheckout checkout_{&users_, &catalog_, settings().pricing, clock_};
  OrderQueries queries_{orders_, &users_, &catalog_, nullptr, &payments_, clock_};
  OrderDirectory directory_{orders_};
  std::unique_ptr<OrderWorkflow> workflow_;
  std::unique_ptr<OrderPlacement> placement_;
  std::unique_ptr<OrdersModule> module_;
};

}  // namespace nelo::orders::test
