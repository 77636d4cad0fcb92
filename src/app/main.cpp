// nelo: the delivery platform's single binary. See README.md and docs/operations.md.

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "app/application.hpp"
#include "app/demo/demo_command.hpp"
#include "app/demo/simulate_command.hpp"
#include "app/sandbox_processor_command.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "modules/deliveries/module.hpp"
#include "modules/orders/module.hpp"
#include "modules/payments/module.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"Nelo: delivery platform backend (modular monolith)", "nelo"};
  cli.set_version_flag("--version", nelo::app::kVersion);
  cli.require_subcommand(1);

  auto* serve = cli.add_subcommand("serve", "Serve the HTTP API (migrates first unless NELO_MIGRATE_ON_START=false)");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and report them");
  bool routes_json = false;
  auto* routes = cli.add_subcommand("routes", "List every route with its auth policy (no database needed)");
  routes->add_flag("--json", routes_json, "Print JSON instead of a table");
  auto* openapi = cli.add_subcommand("openapi", "Print the OpenAPI 3.1 document (no database needed)");

  auto* admin = cli.add_subcommand("admin", "Administration commands");
  admin->require_subcommand(1);
  std::string admin_email, admin_name = "Administrator";
  auto* admin_create = admin->add_subcommand("create", "Create an admin account; the password is read from stdin");
  admin_create->add_option("--email", admin_email, "E-mail of the admin")->required();
  admin_create->add_option("--name", admin_name, "Display name");
  auto* auth = cli.add_subcommand("auth", "Authentication commands");
  auth->require_subcommand(1);
  auto* rotate = auth->add_subcommand("rotate-keys", "Start signing with a new key; old ones keep verifying for a while");
  std::string revoke_kid;
  auto* revoke = auth->add_subcommand(
      "revoke-key", "Revoke a compromised signing key: tokens it signed are refused from the next key reload");
  revoke->add_option("kid", revoke_kid, "The key's id (the kid of the JWKS and of token headers)")->required();

  auto* demo = cli.add_subcommand("demo", "Demo data");
  demo->require_subcommand(1);
  nelo::app::demo::SeedCommand seed_command;
  auto* demo_seed = demo->add_subcommand(
      "seed", "Load the demo city (merchants, menus, customers, drivers, an admin) into a running server "
              "through its API; safe to run again");
  demo_seed->add_option("--url", seed_command.url, "Base URL of the running server")->capture_default_str();
  demo_seed->add_option("--center", seed_command.center, "Centre of the demo city, LAT,LNG in degrees")
      ->capture_default_str();
  demo_seed->add_option("--password", seed_command.password,
                        std::string("Password of every demo account (default: ") +
                            nelo::app::demo::kDefaultPassword + ")");
  demo_seed->add_option("--wait", seed_command.wait_seconds, "Seconds to wait for the server to be ready")
      ->capture_default_str();
  // Every value is taken as text and checked by check_arguments: one clear line and exit code 2.
  nelo::app::demo::sim::SimulateArguments simulate_arguments;
  auto* demo_simulate = demo->add_subcommand(
      "simulate", "Play a city through the API of a running server: drivers online, moving and delivering, customers "
                  "ordering, merchants preparing; a live progress line, a summary at the end (seeds the demo first)");
  demo_simulate->add_option("--url", simulate_arguments.url, "Base URL of the running server")
      ->type_name("URL")
      ->capture_default_str();
  demo_simulate->add_option("--drivers", simulate_arguments.drivers, "Simulated drivers (1 to 5000)")
      ->type_name("INT")->capture_default_str();
  demo_simulate->add_option("--customers", simulate_arguments.customers,
                            "Simulated customers besides the demo's three, 5 addresses each (0 to 1000)")
      ->type_name("INT")->capture_default_str();
  demo_simulate->add_option("--order-rate", simulate_arguments.order_rate,
                            "Orders per minute of wall-clock time (Poisson arrivals)")
      ->type_name("PER_MINUTE")->capture_default_str();
  demo_simulate->add_option("--speedup", simulate_arguments.speedup,
                            "Simulated seconds per real second (1 to 1000): driving, preparing, waiting; the server's "
                            "own timers (offer deadlines) stay in real time")
      ->type_name("FACTOR")->capture_default_str();
  demo_simulate->add_option("--duration", simulate_arguments.duration, "Seconds of ordering; 0: until Ctrl-C")
      ->type_name("SECONDS")->capture_default_str();
  demo_simulate->add_option("--drain", simulate_arguments.drain,
                            "After --duration, at most this many seconds for the orders in flight to be delivered")
      ->type_name("SECONDS")->capture_default_str();
  demo_simulate->add_option("--decline-probability", simulate_arguments.decline_probability,
                            "Share of offers a driver declines (0 to 0.95)")
      ->type_name("SHARE")->capture_default_str();
  demo_simulate->add_option("--center", simulate_arguments.center, "Centre of the demo city, LAT,LNG in degrees")
      ->type_name("LAT,LNG")->capture_default_str();
  demo_simulate->add_option("--password", simulate_arguments.password,
                            std::string("Password of every demo account (default: ") +
                                nelo::app::demo::kDefaultPassword + ")")
      ->type_name("PASSWORD");
  demo_simulate->add_option("--seed", simulate_arguments.seed, "Random seed: the same seed plays the same choices")
      ->type_name("INT")->capture_default_str();
  demo_simulate->add_option("--connections", simulate_arguments.connections,
                            "Keep-alive connections to the server, at most (requests in flight)")
      ->type_name("INT")->capture_default_str();
  demo_simulate->add_option("--wait", simulate_arguments.wait, "Seconds to wait for the server to be ready")
      ->type_name("SECONDS")->capture_default_str();
  demo_simulate->add_flag("--json", simulate_arguments.json,
                          "Print the final summary as JSON on standard output (everything else on standard error)");
  demo_simulate->add_flag("--quiet", simulate_arguments.quiet, "No progress line, only the summary");

  auto* orders = cli.add_subcommand("orders", "Orders commands");
  orders->require_subcommand(1);
  std::string diagram_format = "mermaid";
  auto* diagram = orders->add_subcommand("diagram", "Print the order state machine (no database needed)");
  diagram->add_option("--format", diagram_format, "mermaid (stateDiagram-v2) or dot (Graphviz)")
      ->capture_default_str();

  auto* deliveries = cli.add_subcommand("deliveries", "Deliveries commands");
  deliveries->require_subcommand(1);
  auto* delivery_diagram =
      deliveries->add_subcommand("diagram", "Print the delivery state machine (no database needed)");
  delivery_diagram->add_option("--format", diagram_format, "mermaid (stateDiagram-v2) or dot (Graphviz)")
      ->capture_default_str();

  auto* payments = cli.add_subcommand("payments", "Payments commands");
  payments->require_subcommand(1);
  auto* payment_diagram =
      payments->add_subcommand("diagram", "Print the payment state machine (no database needed)");
  payment_diagram->add_option("--format", diagram_format, "mermaid (stateDiagram-v2) or dot (Graphviz)")
      ->capture_default_str();
  auto* payment_reconcile = payments->add_subcommand(
      "reconcile", "Check payments, refunds and the ledger against each other and against the sandbox processor's "
                   "records; print every difference (exit code 0: none, 1: some)");

  nelo::app::SandboxProcessorArguments sandbox_arguments;
  auto* sandbox = cli.add_subcommand(
      "sandbox-processor", "Run the sandbox card processor on its own port (nelo reaches it with "
                           "NELO_PAYMENTS_SANDBOX_URL); its webhooks are signed with NELO_PAYMENTS_WEBHOOK_SECRETS");
  sandbox->add_option("--port", sandbox_arguments.port, "Port to listen on")->capture_default_str();
  sandbox->add_option("--address", sandbox_arguments.address, "Address to listen on")->capture_default_str();
  sandbox->add_option("--public-url", sandbox_arguments.public_url,
                      "How browsers reach it, for the 3-D Secure page (default http://ADDRESS:PORT)");
  sandbox->add_option("--journal", sandbox_arguments.journal,
                      "File of its records, kept across restarts ('' : in memory only)")
      ->capture_default_str();
  sandbox->add_flag("--no-sync", sandbox_arguments.no_sync, "Do not fdatasync the journal after each change");
  sandbox->add_option("--webhook-url", sandbox_arguments.webhook_url,
                      "nelo's webhook endpoint, e.g. http://127.0.0.1:8000/api/v1/payments/webhooks/sandbox");
  sandbox->add_option("--slow-delay-ms", sandbox_arguments.slow_delay_ms, "How much later tok_slow is answered")
      ->capture_default_str();

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    // `nelo demo simulate` promises exit code 2 for any bad argument (a missing value, an unknown
    // option), like the values its own checks refuse.
    return code != 0 && demo_simulate->parsed() ? 2 : code;
  }

  if (*diagram || *delivery_diagram || *payment_diagram) {
    // Drawn from the table the module's services enforce; needs no configuration.
    if (diagram_format != "mermaid" && diagram_format != "dot") {
      std::cerr << "nelo: unknown diagram format '" << diagram_format << "' (expected mermaid or dot)\n";
      return 2;
    }
    try {
      std::cout << (*diagram            ? nelo::orders::state_machine_diagram(diagram_format)
                    : *delivery_diagram ? nelo::deliveries::state_machine_diagram(diagram_format)
                                        : nelo::payments::state_machine_diagram(diagram_format));
    } catch (const std::exception& e) {
      std::cerr << "nelo: " << e.what() << '\n';
      return 1;
    }
    return 0;
  }

  if (*sandbox) {
    // A third party of its own: none of nelo's settings (database, keys) apply to it, only its
    // own and the logs'.
    const char* level = std::getenv("NELO_LOG_LEVEL");
    const char* format = std::getenv("NELO_LOG_FORMAT");
    nelo::logging::setup(level ? level : "info", format ? format : "json");
    const int sandbox_code = nelo::app::run_sandbox_processor(sandbox_arguments);
    nelo::logging::shutdown();
    return sandbox_code;
  }

  nelo::Config config;
  try {
    config = nelo::config_from_environment();
  } catch (const nelo::ConfigError& e) {
    std::cerr << "nelo: " << e.what() << '\n';
    return 2;
  }
  nelo::logging::setup(config.log_level, config.log_format);

  int code = 1;
  try {
    if (*demo_seed) {
      code = nelo::app::demo::run_seed(seed_command, config);
      nelo::logging::shutdown();
      return code;
    }
    if (*demo_simulate) {
      code = nelo::app::demo::run_simulate(simulate_arguments, config);
      nelo::logging::shutdown();
      return code;
    }
    nelo::app::Application app(std::move(config));
    if (*serve) code = app.serve();
    else if (*migrate) code = app.migrate();
    else if (*routes) code = app.print_routes(routes_json);
    else if (*openapi) code = app.print_openapi();
    else if (*admin_create) {
      // The password never appears in argv (visible to every local user through ps).
      std::string password;
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      code = app.create_admin(admin_email, admin_name, password);
    } else if (*payment_reconcile) code = app.reconcile_payments();
    else if (*rotate) code = app.rotate_keys();
    else if (*revoke) code = app.revoke_key(revoke_kid);
  } catch (const nelo::ValidationError& e) {
    std::cerr << "nelo: " << e.what() << '\n';
    for (const auto& f : e.errors()) std::cerr << "  - " << f.field << ": " << f.message << '\n';
    code = 1;
  } catch (const std::exception& e) {
    std::cerr << "nelo: " << e.what() << '\n';
    code = 1;
  }
  nelo::logging::shutdown();
  return code;
}
