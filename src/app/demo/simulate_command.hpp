#pragma once
// `nelo demo simulate`: plays a city through the public API of a running server (see
// simulate/simulation.hpp and docs/operations.md#the-fleet-simulator).

#include "app/demo/simulate/options.hpp"
#include "core/config.hpp"

namespace nelo::app::demo {

// Checks the options (exit code 2 with one line per bad one), waits for the server, seeds the demo
// city (idempotent; the admin needs the server's DATABASE_URL the first time, as for `nelo demo
// seed`), then simulates. Exit code 0 when every answer was the expected one, 1 when the server
// was unreachable, the set-up failed, or any answer was unexpected.
int run_simulate(const sim::SimulateArguments& arguments, const Config& config);

}  // namespace nelo::app::demo
