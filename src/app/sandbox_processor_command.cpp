#include "app/sandbox_processor_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include <future>
#include <iostream>
#include <thread>

#include "core/http/router.hpp"
#include "core/http/server.hpp"
#include "core/metrics/registry.hpp"
#include "core/time.hpp"
#include "modules/payments/module.hpp"
#include "modules/payments/payments_settings.hpp"

namespace nelo::app {

namespace asio = boost::asio;
namespace json = boost::json;

int run_sandbox_processor(const SandboxProcessorArguments& a) {
  if (a.port < 1 || a.port > 65535) {
    std::cerr << "nelo: --port must be between 1 and 65535\n";
    return 2;
  }
  payments::PaymentsSettings settings;
  try {
    settings = payments::payments_settings_from_environment();
  } catch (const std::invalid_argument& e) {
    std::cerr << "nelo: " << e.what() << '\n';
    return 2;
  }
  if (!a.webhook_url.empty() && !std::getenv("NELO_PAYMENTS_WEBHOOK_SECRETS")) {
    std::cerr << "nelo: --webhook-url needs NELO_PAYMENTS_WEBHOOK_SECRETS, the secrets nelo checks webhooks with\n";
    return 2;
  }

  asio::io_context io;
  auto work = asio::make_work_guard(io);
  SystemClock clock;
  metrics::Registry registry;
  http::Router router;
  payments::SandboxProcessorOptions options;
  options.journal = a.journal;
  options.sync = !a.no_sync;
  options.webhook_url = a.webhook_url;
  options.webhook_secrets = settings.webhook_secrets;
  options.api_key = settings.sandbox_api_key;
  options.slow_delay = std::chrono::milliseconds(a.slow_delay_ms);

  http::ServerOptions server_options;
  server_options.address = a.address;
  server_options.port = static_cast<std::uint16_t>(a.port);
  std::unique_ptr<payments::SandboxProcessorService> service;
  std::unique_ptr<http::Server> server;
  std::vector<std::thread> threads;
  const auto stop_threads = [&] {
    work.reset();
    io.stop();
    for (auto& t : threads) t.join();
  };
  threads.emplace_back([&] { io.run(); });
  try {
    options.public_url =
        a.public_url.empty() ? "http://" + a.address + ":" + std::to_string(a.port) : a.public_url;
    service = payments::make_sandbox_processor_service(clock, io.get_executor(), options);
    service->register_routes(router);
    router.add({.method = "GET",
                .path = "/health/live",
                .policy = http::Policy::public_access(),
                .handler = [](http::Request&) -> asio::awaitable<http::Response> {
                  co_return http::Response::json(json::object{{"status", "ok"}});
                },
                .module = "sandbox",
                .doc = {},
                .access = http::Access::none()});
    server = std::make_unique<http::Server>(io, server_options, router, nullptr, registry);
    // Its records first (and its unsent webhooks queued), then the port.
    asio::co_spawn(io, service->start(), asio::use_future).get();
    server->start();
  } catch (const std::exception& e) {
    std::cerr << "nelo: the sandbox processor cannot start: " << e.what() << '\n';
    stop_threads();
    return 1;
  }
  spdlog::info("sandbox processor listening on {}:{} (journal: {}, webhooks: {})", a.address, server->port(),
               a.journal.empty() ? "none, in memory" : a.journal, a.webhook_url.empty() ? "none" : a.webhook_url);
  std::cout << "sandbox processor listening on port " << server->port() << std::endl;

  std::promise<void> stopped;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server->stop([&] {
      asio::co_spawn(io, service->stop(), [&](std::exception_ptr) { stopped.set_value(); });
    });
  });
  stopped.get_future().wait();
  stop_threads();
  return 0;
}

}  // namespace nelo::app
