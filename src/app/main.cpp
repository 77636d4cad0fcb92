// nelo: the delivery platform's single binary. See README.md and docs/operations.md.

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "app/application.hpp"
#include "app/demo/demo_command.hpp"
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

  CLI11_PARSE(cli, argc, argv);

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
    } else if (*rotate) code = app.rotate_keys();
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
