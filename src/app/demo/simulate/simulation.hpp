#pragma once
// `nelo demo simulate` once the checks are done and the demo city is seeded: signs the city's
// people in, makes the simulation's own drivers and customers, plays the city until the duration
// (and the drain) ends or Ctrl-C, cleans up after itself and reports.

#include <iosfwd>

#include "app/demo/simulate/options.hpp"

namespace nelo::app::demo::sim {

// `out`: the progress and the summary for a person; `json_out`: the --json summary. Exit code 0
// when every answer was the expected one, 1 on a failed set-up or any unexpected answer.
int run_simulation(const SimulationOptions& options, const std::string& password, std::ostream& out,
                   std::ostream& json_out);

}  // namespace nelo::app::demo::sim
