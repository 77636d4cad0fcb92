// nelo: the delivery platform's single binary. See README.md and docs/operations.md.

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/application.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"

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

  CLI11_PARSE(cli, argc, argv);

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
    nelo::app::Application app(std::move(config));
    if (*serve) code = app.serve();
    else if (*migrate) code = app.migrate();
    else if (*routes) code = app.print_routes(routes_json);
    else if (*openapi) code = app.print_openapi();
  } catch (const std::exception& e) {
    std::cerr << "nelo: " << e.what() << '\n';
    code = 1;
  }
  nelo::logging::shutdown();
  return code;
}
