#include "app/demo/simulate_command.hpp"

#include <iostream>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "app/demo/api_client.hpp"
#include "app/demo/demo_command.hpp"
#include "app/demo/demo_data.hpp"
#include "app/demo/simulate/simulation.hpp"

namespace nelo::app::demo {

int run_simulate(const sim::SimulateArguments& arguments, const Config& config) {
  auto checked = sim::check_arguments(arguments);
  if (auto* problems = std::get_if<std::vector<std::string>>(&checked)) {
    for (const auto& p : *problems) std::cerr << "nelo demo simulate: " << p << '\n';
    return 2;
  }
  const auto& options = std::get<sim::SimulationOptions>(checked);
  const std::string password = options.password.empty() ? kDefaultPassword : options.password;
  // With --json, standard output carries the summary alone: the rest goes to standard error.
  std::ostream& out = options.json ? std::cerr : std::cout;

  ApiClient api(options.url);
  if (!wait_ready(api, std::chrono::seconds(options.wait_seconds), "nelo demo simulate")) return 1;
  // The seed may make the admin in-process, which reports on standard output: under --json that
  // line goes to standard error with the rest.
  std::streambuf* const stdout_buffer = std::cout.rdbuf();
  if (options.json) std::cout.rdbuf(std::cerr.rdbuf());
  try {
    std::ostringstream quiet;
    seed_city(api, LatLng{options.center_lat, options.center_lng}, password, config,
              options.quiet ? static_cast<std::ostream&>(quiet) : out);
  } catch (const std::exception& e) {
    std::cout.rdbuf(stdout_buffer);
    std::cerr << "nelo demo simulate: seeding the demo city: " << e.what() << '\n';
    return 1;
  }
  std::cout.rdbuf(stdout_buffer);
  return sim::run_simulation(options, password, out, std::cout);
}

}  // namespace nelo::app::demo
