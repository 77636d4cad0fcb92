#include "app/application.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <future>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/modules.hpp"
#include "app/platform_routes.hpp"
#include "app/readiness.hpp"
#include "core/security/token_verifier.hpp"
#include "modules/auth/module.hpp"
#include "modules/payments/module.hpp"
#include "core/db/migrator.hpp"
#include "core/db/pool.hpp"
#include "core/http/openapi.hpp"
#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/metrics/registry.hpp"
#include "shared/events/admin_routes.hpp"
#include "shared/events/outbox_event_bus.hpp"

namespace nelo::app {

const char* const kVersion = "0.1.0";

namespace asio = boost::asio;
namespace json = boost::json;

struct Application::Impl {
  Config config;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::thread> threads;

  SystemClock clock;
  metrics::Registry registry;
  std::shared_ptr<db::Pool> pool;
  std::vector<std::unique_ptr<db::ModuleDb>> module_dbs;  // one per module, outliving it
  std::vector<std::unique_ptr<Module>> modules;
  auth::AuthModule* auth = nullptr;
  const AccessTokenVerifier* verifier = nullptr;
  std::shared_ptr<events::OutboxEventBus> bus;
  http::Router router;
  http::Router admin_router;  // the admin listener's: /metrics
  std::unique_ptr<Readiness> readiness;

  explicit Impl(Config c) : config(std::move(c)) {
    pool = db::Pool::create(io.get_executor(), db::PoolOptions{.conninfo = config.database_url,
                                                                 .max_size = config.db_pool_size,
                                                                 .acquire_timeout = config.db_acquire_timeout,
                                                                 .statement_timeout = config.db_statement_timeout,
                                                                 .pipeline_depth = config.db_pipeline_depth,
                                                                 .idle_timeout = config.db_idle_timeout});
    std::vector<std::string> enabled;
    for (const auto& name : all_module_names()) {
      if (config.module_enabled(name)) enabled.push_back(name);
    }
    events::OutboxOptions bus_options;
    bus_options.max_attempts = config.outbox_max_attempts;
    bus_options.poll_interval = config.outbox_poll_interval;
    bus_options.retry_base = config.outbox_retry_base;
    bus_options.lease = config.outbox_lease;
    bus_options.retention = config.outbox_retention;
    bus_options.batch_size = static_cast<std::size_t>(config.outbox_batch_size);
    bus_options.max_in_flight = static_cast<std::size_t>(config.outbox_max_in_flight);
    bus = std::make_shared<events::OutboxEventBus>(*pool, io.get_executor(), bus_options, registry, enabled);

    auto set = make_modules({*pool, *bus, config, clock, registry, io.get_executor()});
    module_dbs = std::move(set.databases);
    modules = std::move(set.modules);
    auth = set.auth;
    verifier = set.verifier;
    for (auto& m : modules) {
      m->register_routes(router);
      m->register_subscriptions(*bus);
    }
    events::register_event_admin_routes(router, *bus);

    readiness = std::make_unique<Readiness>(*pool, schemas());
    register_platform_routes(router, {.pool = pool.get(),
                                      .readiness = readiness.get(),
                                      .docs_dir = config.docs_dir,
                                      .version = kVersion});
    register_admin_routes(admin_router, registry);
    register_pool_metrics();
  }

  ~Impl() { stop_threads(); }

  std::vector<db::SchemaMigrations> schemas() const {
    const std::vector<db::MigrationFile> templates = module_schema_templates();
    std::vector<db::SchemaMigrations> out;
    for (const auto& m : modules) out.push_back({m->name(), templates, m->migrations()});
    return out;
  }

  void register_pool_metrics() {
    auto& size = registry.gauge("nelo_db_pool_connections", "Open database connections").with({});
    auto& in_use = registry.gauge("nelo_db_pool_in_use", "Database connections checked out").with({});
    auto& shared = registry.gauge("nelo_db_pool_shared", "Checked-out connections shared by pipelined statements").with({});
    auto& waiting = registry.gauge("nelo_db_pool_waiting", "Coroutines waiting for a database connection").with({});
    auto& waits = registry.counter("nelo_db_pool_waits_total", "Acquisitions that had to wait").with({});
    auto& timeouts = registry.counter("nelo_db_pool_timeouts_total", "Acquisitions that gave up (503)").with({});
    auto* p = pool.get();
    // The pool counts monotonically; the collector forwards the increments since the last scrape.
    struct Last {
      std::mutex mutex;
      db::PoolStats stats;
    };
    auto last = std::make_shared<Last>();
    registry.add_collector([p, last, &size, &in_use, &shared, &waiting, &waits, &timeouts]() -> asio::awaitable<void> {
      std::lock_guard lock(last->mutex);
      auto s = p->stats();
      size.set(static_cast<double>(s.size));
      in_use.set(static_cast<double>(s.in_use));
      shared.set(static_cast<double>(s.shared));
      waiting.set(static_cast<double>(s.waiting));
      waits.inc(static_cast<double>(s.waits_total - last->stats.waits_total));
      timeouts.inc(static_cast<double>(s.timeouts_total - last->stats.timeouts_total));
      last->stats = s;
      co_return;
    });
  }

  void start_threads() {
    std::size_t n = config.http_threads ? config.http_threads : std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < n; ++i) threads.emplace_back([this] { io.run(); });
  }

  void stop_threads() {
    work.reset();
    io.stop();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
    threads.clear();
  }

  template <class T>
  T run_sync(asio::awaitable<T> work_item) {
    return asio::co_spawn(io, std::move(work_item), asio::use_future).get();
  }

  asio::awaitable<void> start_modules() {
    for (auto& m : modules) co_await m->start();
  }

  db::MigrationReport run_migrations() {
    db::Migrator migrator(*pool);
    return run_sync(migrator.migrate(schemas()));
  }

  // One auth administration command (create-admin, rotate-keys, revoke-key): migrates, runs
  // `command` against the auth module and prints what it returns. 2 without a database or auth.
  template <class Command>
  int run_auth_command(Command command) {
    if (config.database_url.empty() || !auth) {
      std::cerr << "nelo: DATABASE_URL is required and the auth module must be enabled\n";
      return 2;
    }
    start_threads();
    run_migrations();
    std::cout << run_sync(command(*auth)) << "\n";
    pool->close();
    return 0;
  }
};

Application::Application(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Application::~Application() = default;

int Application::migrate() {
  if (impl_->config.database_url.empty()) {
    std::cerr << "nelo: DATABASE_URL is required to migrate\n";
    return 2;
  }
  impl_->start_threads();
  auto report = impl_->run_migrations();
  std::size_t applied = 0;
  for (const auto& e : report.entries) {
    if (e.applied_now) {
      ++applied;
      std::cout << "applied  " << e.schema << "/" << e.name << '\n';
    }
  }
  std::cout << applied << " migration(s) applied, " << report.entries.size() - applied << " already up to date\n";
  impl_->pool->close();
  return 0;
}

int Application::serve() {
  auto& impl = *impl_;
  if (impl.config.database_url.empty()) {
    std::cerr << "nelo: DATABASE_URL is required to serve (./scripts/run sets it for a private database)\n";
    return 2;
  }
  // Every served route says what it acts on (http::Access): refuse to serve one that does not.
  bool undeclared = false;
  for (const auto& route : impl.router.routes()) {
    for (const auto& problem : http::access_problems(route)) {
      std::cerr << "nelo: route " << route.method << " " << route.path << ": " << problem << "\n";
      undeclared = true;
    }
  }
  if (undeclared) return 2;
  impl.start_threads();
  if (impl.config.migrate_on_start) {
    auto report = impl.run_migrations();
    std::size_t applied = 0;
    for (const auto& e : report.entries) applied += e.applied_now ? 1 : 0;
    spdlog::info("migrations: {} applied, {} up to date", applied, report.entries.size() - applied);
    impl.readiness->mark_migrated();
  }

  impl.run_sync(impl.start_modules());
  // Before any request can publish: from here on events go out without delivery rows.
  try {
    impl.run_sync(impl.bus->open_streams());
  } catch (const std::exception& e) {
    spdlog::warn("events: streams not opened before serving ({}); the dispatcher opens them at its first round",
                 e.what());
  }

  http::ServerOptions options;
  options.address = impl.config.http_address;
  options.port = impl.config.http_port;
  options.trusted_proxies = http::TrustedProxies::parse(impl.config.trusted_proxies);
  options.body_limit = impl.config.http_body_limit;
  options.read_timeout = impl.config.http_read_timeout;
  options.idle_timeout = impl.config.http_idle_timeout;
  options.shutdown_grace = impl.config.shutdown_grace;
  options.max_connections = impl.config.http_max_connections;
  options.max_in_flight = impl.config.http_max_in_flight;
  // Without the auth module in this process, every protected route answers 401.
  http::Server server(impl.io, options, impl.router, impl.verifier, impl.registry);

  // The admin listener: /metrics for the scraper, on an address of its own (loopback unless the
  // deployer says otherwise), never on the public port.
  http::ServerOptions admin_options;
  admin_options.address = impl.config.admin_address;
  admin_options.port = impl.config.admin_port;
  admin_options.read_timeout = impl.config.http_read_timeout;
  admin_options.shutdown_grace = impl.config.shutdown_grace;
  admin_options.max_connections = 64;
  admin_options.max_in_flight = 8;
  http::Server admin(impl.io, admin_options, impl.admin_router, nullptr, impl.registry);
  admin.start();  // first: a port that cannot be bound stops the start before any public traffic
  server.start();
  impl.bus->start();
  if (impl.config.development()) {
    spdlog::warn("NELO_ENV=development: keys published in the repository are accepted; never run so in production");
  }
  spdlog::info("nelo {} listening on {}:{} ({} routes, {} threads; at most {} connections, {} requests in flight); "
               "admin (/metrics) on {}:{}",
               kVersion, options.address, server.port(), impl.router.routes().size(), impl.threads.size(),
               options.max_connections, options.max_in_flight, admin_options.address, admin.port());

  std::promise<void> stopped;
  asio::signal_set signals(impl.io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("received signal {}: draining", signo);
    // The admin listener stays up while the public one drains, so the drain can be watched.
    server.stop([&] {
      admin.stop([&] {
        asio::co_spawn(
            impl.io,
            [&]() -> asio::awaitable<void> {
              co_await impl.bus->stop();
              for (auto it = impl.modules.rbegin(); it != impl.modules.rend(); ++it) co_await (*it)->stop();
              impl.pool->close();
            },
            [&](std::exception_ptr) { stopped.set_value(); });
      });
    });
  });
  stopped.get_future().wait();
  spdlog::info("stopped");
  impl.stop_threads();
  return 0;
}

int Application::create_admin(const std::string& email, const std::string& name, const std::string& password) {
  return impl_->run_auth_command([&](auto& auth) -> asio::awaitable<std::string> {
    const std::string id = co_await auth.create_admin(email, name, password);
    co_return "admin created: " + id + " <" + email + ">";
  });
}

int Application::rotate_keys() {
  return impl_->run_auth_command([](auto& auth) -> asio::awaitable<std::string> {
    const std::string kid = co_await auth.rotate_keys();
    co_return "new signing key: " + kid;
  });
}

int Application::revoke_key(const std::string& kid) {
  return impl_->run_auth_command([&](auto& auth) { return auth.revoke_key(kid); });
}

int Application::reconcile_payments() {
  auto& impl = *impl_;
  db::ModuleDb* payments = nullptr;
  for (auto& d : impl.module_dbs) {
    if (d->module() == "payments") payments = d.get();
  }
  if (impl.config.database_url.empty() || !payments) {
    std::cerr << "nelo: DATABASE_URL is required and the payments module must be enabled\n";
    return 2;
  }
  impl.start_threads();
  impl.run_migrations();
  const auto outcome = impl.run_sync(payments::reconcile(*payments));
  std::cout << outcome.text << std::flush;
  impl.pool->close();
  return outcome.clean ? 0 : 1;
}

int Application::print_routes(bool as_json) {
  const auto& routes = impl_->router.routes();
  if (as_json) {
    json::array out;
    for (const auto& r : routes) {
      json::array roles;
      for (const auto& role : r.policy.allowed_roles()) roles.push_back(json::string(role));
      const char* kind = r.policy.kind() == http::Policy::Kind::Public          ? "public"
                         : r.policy.kind() == http::Policy::Kind::Authenticated ? "authenticated"
                                                                                : "roles";
      out.push_back({{"method", r.method},
                     {"path", r.path},
                     {"module", r.module},
                     {"policy", {{"kind", kind}, {"roles", std::move(roles)}}},
                     {"access", r.access.to_json()}});
    }
    std::cout << json::serialize(out) << '\n';
    return 0;
  }
  std::size_t path_width = 4;
  std::size_t policy_width = 6;
  for (const auto& r : routes) path_width = std::max(path_width, r.path.size());
  for (const auto& r : routes) policy_width = std::max(policy_width, r.policy.describe().size());
  for (const auto& r : routes) {
    std::cout << std::left << std::setw(7) << r.method << std::setw(static_cast<int>(path_width + 2)) << r.path
              << std::setw(15) << r.module << std::setw(static_cast<int>(policy_width + 2)) << r.policy.describe() << r.access.describe() << '\n';
  }
  return 0;
}

int Application::print_openapi() {
  std::cout << json::serialize(http::build_openapi(impl_->router, {"Nelo API", kVersion, ""})) << '\n';
  return 0;
}

}  // namespace nelo::app
