#include "app/demo/simulate/simulation.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "app/demo/demo_data.hpp"
#include "app/demo/simulate/accounts.hpp"
#include "app/demo/simulate/city.hpp"
#include "app/demo/simulate/driver_actor.hpp"
#include "app/demo/simulate/http_pool.hpp"
#include "app/demo/simulate/janitor.hpp"
#include "app/demo/simulate/json_read.hpp"
#include "app/demo/simulate/order_actor.hpp"
#include "app/demo/simulate/report.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/statistics.hpp"
#include "app/demo/simulate/world.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kDriverStartRadiusM = 3000;
constexpr double kAddressRadiusM = 2500;
constexpr std::size_t kAddressesPerCustomer = 5;
// Password hashing is slow on purpose and runs on a bounded pool: sign-ins a few at a time.
constexpr std::size_t kSignInWidth = 4;
constexpr std::size_t kCleanUpWidth = 8;

const char* const kStreets[] = {"rue de Rivoli", "rue Saint-Antoine", "boulevard Beaumarchais", "rue de Turenne",
                                "rue du Temple", "rue Montorgueil", "rue de Bretagne", "rue Oberkampf",
                                "boulevard Saint-Germain", "rue Monge", "rue de la Roquette", "quai de la Tournelle"};

std::string counted(std::size_t n, const char* thing) {
  return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

std::string numbered(const char* prefix, int n) {
  char text[64];
  std::snprintf(text, sizeof text, "%s-%04d@%s", prefix, n, kEmailDomain);
  return text;
}

class Simulation {
 public:
  Simulation(asio::io_context& io, const SimulationOptions& options, const std::string& password, std::ostream& out)
      : options_(options),
        password_(password),
        out_(options.quiet ? null_ : out),
        runtime_(io.get_executor(), options.speedup, options.seed),
        http_(io.get_executor(), options.url, static_cast<std::size_t>(options.connections)),
        auth_(io.get_executor(), options.url, 1),
        world_{runtime_, http_, auth_, stats_, city_, options_},
        sessions_(io.get_executor()),
        actors_(io.get_executor()),
        orders_(io.get_executor()),
        followups_(io.get_executor()),
        printer_(out, isatty(options.json ? STDERR_FILENO : STDOUT_FILENO) != 0),
        admin_(std::string(demo_city().admin.account) + "@" + kEmailDomain, password) {}

  asio::awaitable<void> run();
  void interrupt() {
    facts_.interrupted = true;
    runtime_.stop();
  }
  // After a failure: every sleeper wakes and ends, so that the event loop runs dry.
  void stop() { runtime_.stop(); }
  bool interrupted() const noexcept { return facts_.interrupted; }
  bool stopping() const noexcept { return runtime_.stopping(); }

  const Statistics& stats() const noexcept { return stats_; }
  const RunFacts& facts() const noexcept { return facts_; }
  bool ran() const noexcept { return ran_; }

 private:
  asio::awaitable<void> sign_in_city();
  asio::awaitable<void> load_shop(Session& owner);
  asio::awaitable<void> load_addresses(Customer& customer, bool add_missing);
  asio::awaitable<void> make_customers();
  asio::awaitable<void> make_drivers();
  asio::awaitable<void> play();
  asio::awaitable<void> clean_up();
  void keep_fresh(Session& session);
  void refresh_facts();

  const SimulationOptions& options_;
  std::string password_;
  std::ostringstream null_;
  std::ostream& out_;
  Runtime runtime_;
  HttpPool http_;
  HttpPool auth_;  // see World::auth
  Statistics stats_;
  City city_;
  World world_;
  WaitGroup sessions_, actors_, orders_, followups_;
  ProgressPrinter printer_;
  Session admin_;
  std::vector<std::unique_ptr<Driver>> drivers_;
  RunFacts facts_;
  Clock::time_point ordering_start_, ordering_end_;
  bool ran_ = false;
};

void Simulation::keep_fresh(Session& session) {
  spawn(runtime_, stats_, sessions_, session.keep_fresh(auth_, runtime_, stats_),
        "keeping " + session.email() + " signed in");
}

void Simulation::refresh_facts() {
  const auto now = Clock::now();
  if (runtime_.phase() != Phase::Running && ordering_end_ == Clock::time_point()) ordering_end_ = now;
  facts_.elapsed_seconds = std::chrono::duration<double>(now - ordering_start_).count();
  const auto ordering_until = runtime_.phase() == Phase::Running ? now : ordering_end_;
  facts_.ordering_seconds = std::chrono::duration<double>(ordering_until - ordering_start_).count();
  facts_.in_flight = city_.in_flight();
  facts_.requests = http_.requests() + auth_.requests();
  facts_.connections = http_.connections_opened() + auth_.connections_opened();
  facts_.drivers = static_cast<int>(drivers_.size());
  facts_.customers = static_cast<int>(city_.customers.size());
}

asio::awaitable<void> Simulation::load_shop(Session& owner) {
  co_await owner.sign_in(auth_);
  auto mine = co_await world_.send("GET", "/api/v1/catalog/me/merchants", &owner);
  if (mine.status != 200) throw std::runtime_error("listing the shops of " + owner.email() + ": " + mine.describe());
  for (const auto& m : items_of(parse_body(mine.body))) {
    auto shop = std::make_unique<Shop>();
    shop->id = text_of(m, "id");
    shop->name = text_of(m, "name");
    shop->at = {number_of(m, "lat"), number_of(m, "lng")};
    shop->delivery_radius_m = number_of(m, "delivery_radius_m");
    if (const auto* min = field(m, "min_order")) shop->min_order = static_cast<std::int64_t>(number_of(*min, "amount"));
    shop->prep_time_minutes = static_cast<int>(number_of(m, "prep_time_minutes", 15));
    shop->open = flag_of(m, "open_now");
    shop->owner = &owner;
    std::string cursor;
    do {
      // Built apart: g++ 12 destroys a conditional's temporary twice inside a co_await expression.
      std::string path = "/api/v1/catalog/merchants/" + shop->id + "/products?limit=100";
      if (!cursor.empty()) path += "&cursor=" + cursor;
      auto page = co_await world_.send("GET", path, nullptr);
      if (page.status != 200) {
        throw std::runtime_error("listing the products of " + shop->name + ": " + page.describe());
      }
      const auto body = parse_body(page.body);
      for (const auto& p : items_of(body)) {
        if (!flag_of(p, "available")) continue;
        const auto* price = field(p, "price");
        const auto amount = price ? static_cast<std::int64_t>(number_of(*price, "amount")) : 0;
        shop->products.push_back({text_of(p, "id"), amount});
      }
      cursor = text_of(body, "next_cursor");
    } while (!cursor.empty());
    city_.shops.push_back(std::move(shop));
  }
}

asio::awaitable<void> Simulation::load_addresses(Customer& customer, bool add_missing) {
  const std::string path = "/api/v1/users/me/addresses";
  // The profile (and so the address book) is made from the user.registered event: a fresh
  // account may answer 404 for a moment.
  ApiResponse listed;
  for (int attempt = 0; attempt < 100; ++attempt) {
    listed = co_await world_.send("GET", path + "?limit=100", &customer.session);
    if (listed.status != 404) break;
    co_await runtime_.sleep_real(200ms);
  }
  if (listed.status != 200) {
    throw std::runtime_error("listing the addresses of " + customer.session.email() + ": " + listed.describe());
  }
  for (const auto& a : items_of(parse_body(listed.body))) {
    customer.addresses.push_back({text_of(a, "id"), {number_of(a, "lat"), number_of(a, "lng")}});
  }
  const GeoPoint center{options_.center_lat, options_.center_lng};
  while (add_missing && customer.addresses.size() < kAddressesPerCustomer) {
    const auto at = random_point(center, kAddressRadiusM, runtime_.rng());
    const auto n = customer.addresses.size() + 1;
    json::object body{{"label", "Sim " + std::to_string(n)},
                      {"line1", std::to_string(1 + runtime_.rng()() % 80) + " " +
                                    kStreets[runtime_.rng()() % std::size(kStreets)]},
                      {"city", demo_city().city},
                      {"postal_code", "75004"},
                      {"country", demo_city().country},
                      {"lat", std::round(at.lat * 1e6) / 1e6},
                      {"lng", std::round(at.lng * 1e6) / 1e6}};
    auto made = co_await world_.send("POST", path, &customer.session, to_json_text(body));
    if (made.status == 404) {
      co_await runtime_.sleep_real(200ms);
      continue;
    }
    if (made.status != 201) {
      throw std::runtime_error("adding an address for " + customer.session.email() + ": " + made.describe());
    }
    const auto address = parse_body(made.body);
    customer.addresses.push_back({text_of(address, "id"), {number_of(address, "lat"), number_of(address, "lng")}});
  }
}

asio::awaitable<void> Simulation::sign_in_city() {
  const auto& demo = demo_city();
  for (const auto& m : demo.merchants) {
    city_.owners.push_back(std::make_unique<Session>(m.account + "@" + kEmailDomain, password_));
  }
  std::vector<Session*> owners;
  for (auto& o : city_.owners) owners.push_back(o.get());
  co_await for_each_concurrently(runtime_, owners.size(), kSignInWidth,
                                 [&](std::size_t i) -> asio::awaitable<void> { co_await load_shop(*owners[i]); });
  std::size_t open = 0;
  for (const auto& s : city_.shops) open += s->open;
  out_ << "  " << city_.shops.size() << " shops of the demo city, " << open << " open now\n";

  for (const auto& c : demo.customers) {
    city_.customers.push_back(std::make_unique<Customer>(Session(c.account + "@" + kEmailDomain, password_)));
  }
  co_await for_each_concurrently(runtime_, city_.customers.size(), kSignInWidth,
                                 [&](std::size_t i) -> asio::awaitable<void> {
                                   auto& customer = *city_.customers[i];
                                   co_await customer.session.sign_in(auth_);
                                   co_await load_addresses(customer, false);
                                 });
}

asio::awaitable<void> Simulation::make_customers() {
  AccountDesk desk(world_, admin_, password_);
  std::vector<std::unique_ptr<Customer>> made(static_cast<std::size_t>(options_.customers));
  co_await for_each_concurrently(runtime_, made.size(), kSignInWidth, [&](std::size_t i) -> asio::awaitable<void> {
    const int n = static_cast<int>(i) + 1;
    const std::string email = numbered("sim-customer", n);
    if (!co_await desk.ensure(email, "Sim Customer " + std::to_string(n), "customer")) co_return;
    auto customer = std::make_unique<Customer>(Session(email, password_));
    co_await customer->session.sign_in(auth_);
    co_await load_addresses(*customer, true);
    made[i] = std::move(customer);
  });
  int count = 0;
  for (auto& c : made) {
    if (!c) continue;
    city_.customers.push_back(std::move(c));
    ++count;
  }
  out_ << "  " << city_.customers.size() << " customers: " << city_.customers.size() - static_cast<std::size_t>(count)
       << " of the demo city and " << count << " simulated (" << desk.registered() << " registered now), "
       << kAddressesPerCustomer << " addresses each\n";
  if (desk.registration_limited()) {
    out_ << "  the server refused further registrations from this address (" << desk.limit_answer()
         << "): " << options_.customers - count << " simulated customers were not made\n";
  }
}

asio::awaitable<void> Simulation::make_drivers() {
  AccountDesk desk(world_, admin_, password_);
  const GeoPoint center{options_.center_lat, options_.center_lng};
  std::vector<std::unique_ptr<Driver>> made(static_cast<std::size_t>(options_.drivers));
  std::vector<GeoPoint> starts;
  for (std::size_t i = 0; i < made.size(); ++i) {
    starts.push_back(random_point(center, kDriverStartRadiusM, runtime_.rng()));
  }
  co_await for_each_concurrently(runtime_, made.size(), kSignInWidth, [&](std::size_t i) -> asio::awaitable<void> {
    const int n = static_cast<int>(i) + 1;
    const std::string email = numbered("sim-driver", n);
    if (!co_await desk.ensure(email, "Sim Driver " + std::to_string(n), "driver")) co_return;
    auto driver = std::make_unique<Driver>(n, Session(email, password_), starts[i]);
    co_await driver->session.sign_in(auth_);
    if (!co_await go_online(world_, *driver)) throw std::runtime_error(email + " could not go online");
    made[i] = std::move(driver);
  });
  for (auto& d : made) {
    if (d) drivers_.push_back(std::move(d));
  }
  std::size_t bikes = 0, scooters = 0, cars = 0;
  for (const auto& d : drivers_) {
    const std::string v = d->vehicle.name;
    (v == "bike" ? bikes : v == "scooter" ? scooters : cars) += 1;
  }
  out_ << "  " << counted(drivers_.size(), "driver") << " online (" << counted(bikes, "bike") << ", "
       << counted(scooters, "scooter") << ", " << counted(cars, "car") << "; " << desk.registered()
       << " registered now) within " << kDriverStartRadiusM / 1000 << " km of the centre\n";
  if (desk.registration_limited()) {
    out_ << "  the server refused further registrations from this address (" << desk.limit_answer()
         << "; NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS, 20 an hour by default), so "
         << options_.drivers - static_cast<int>(drivers_.size())
         << " drivers were not made. Serve with NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS=1000 for a larger fleet; "
            "accounts made are kept for the next runs.\n";
  }
  if (drivers_.empty()) throw std::runtime_error("no driver could be made (see above)");
}

asio::awaitable<void> Simulation::play() {
  ordering_start_ = Clock::now();
  stats_.restart_clock();
  for (auto& d : drivers_) {
    spawn(runtime_, stats_, actors_, drive_shift(world_, *d, followups_), "driver " + d->session.email());
  }
  spawn(runtime_, stats_, actors_, run_customers(world_, orders_), "the customers");
  const auto duration = std::chrono::seconds(options_.duration_seconds);
  const auto drain = std::chrono::seconds(options_.drain_seconds);
  while (!runtime_.stopping()) {
    const bool awake = co_await runtime_.sleep_real(1s);
    const auto now = Clock::now();
    if (runtime_.phase() == Phase::Running && options_.duration_seconds > 0 && now - ordering_start_ >= duration) {
      ordering_end_ = now;
      runtime_.drain();
    }
    if (runtime_.phase() == Phase::Draining && (city_.in_flight() == 0 || now - ordering_end_ >= drain)) {
      runtime_.stop();
    }
    refresh_facts();
    if (!options_.quiet && awake) printer_.show(stats_, facts_);
  }
  refresh_facts();
  printer_.close();
}

asio::awaitable<void> Simulation::clean_up() {
  co_await actors_.wait();
  co_await orders_.wait();
  co_await followups_.wait();
  refresh_facts();
  // Orders still in flight: settled by the admin, which frees their drivers.
  const auto left = city_.unfinished();
  if (!left.empty()) out_ << "Settling the " << left.size() << " orders still in flight\n";
  co_await for_each_concurrently(runtime_, left.size(), kCleanUpWidth, [&](std::size_t i) -> asio::awaitable<void> {
    if (co_await settle_order(world_, left[i]->id, "Simulation stopped")) ++stats_.orders.cancelled;
    city_.finish(*left[i]);
  });
  co_await for_each_concurrently(runtime_, drivers_.size(), kCleanUpWidth, [&](std::size_t i) -> asio::awaitable<void> {
    if (!co_await go_offline(world_, *drivers_[i])) ++facts_.stayed_online;
  });
}

asio::awaitable<void> Simulation::run() {
  out_ << "Signing the city in through " << options_.url << '\n';
  co_await admin_.sign_in(auth_);
  city_.admin = &admin_;
  co_await sign_in_city();
  facts_.leftovers_settled = co_await settle_leftovers(world_);
  if (facts_.leftovers_settled) {
    out_ << "  settled " << facts_.leftovers_settled << " orders an earlier run left in flight\n";
  }
  co_await make_drivers();
  co_await make_customers();
  keep_fresh(admin_);
  for (auto& o : city_.owners) keep_fresh(*o);
  for (auto& c : city_.customers) keep_fresh(c->session);
  for (auto& d : drivers_) keep_fresh(d->session);
  out_ << "Simulating: customers order " << options_.order_rate << " times a minute, time runs x" << options_.speedup;
  if (options_.duration_seconds) out_ << " for " << options_.duration_seconds << " s";
  else out_ << " until Ctrl-C";
  if (options_.drain_seconds) out_ << " (then up to " << options_.drain_seconds << " s for the orders in flight)";
  out_ << '\n';
  out_.flush();
  ran_ = true;
  co_await play();
  co_await clean_up();
  co_await sessions_.wait();
  refresh_facts();
  http_.close();
  auth_.close();
}

}  // namespace

int run_simulation(const SimulationOptions& options, const std::string& password, std::ostream& out,
                   std::ostream& json_out) {
  asio::io_context io;
  Simulation simulation(io, options, password, out);
  std::exception_ptr failure;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (simulation.stopping()) {
      std::fputs("\nnelo demo simulate: interrupted again, leaving without cleaning up\n", stderr);
      std::_Exit(130);
    }
    simulation.interrupt();
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  asio::co_spawn(io, simulation.run(), [&](std::exception_ptr e) {
    failure = e;
    if (e) simulation.stop();
    signals.cancel();
  });
  io.run();

  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      out << "nelo demo simulate: " << e.what() << '\n';
    }
    if (!simulation.ran()) return 1;
  }
  print_summary(out, simulation.stats(), simulation.facts(), options);
  if (options.json) json_out << to_json_text(summary_json(simulation.stats(), simulation.facts(), options)) << '\n';
  return failure || simulation.stats().errors() > 0 ? 1 : 0;
}

}  // namespace nelo::app::demo::sim
