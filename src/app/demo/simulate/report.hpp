#pragma once
// What the simulation shows: the live progress line (refreshed in place on a terminal, one line
// at a time otherwise), the closing summary for a person, and the same figures as JSON for the
// benchmark and the tests (--json).

#include <boost/json/object.hpp>

#include <iosfwd>
#include <string>

#include "app/demo/simulate/statistics.hpp"

namespace nelo::app::demo::sim {

struct SimulationOptions;

struct RunFacts {
  double elapsed_seconds = 0;   // real, from the first order on
  double ordering_seconds = 0;  // real, while customers ordered
  int drivers = 0;              // drivers the simulation ran (some may have been refused)
  int customers = 0;
  int in_flight = 0;
  int stayed_online = 0;        // drivers the server kept online at the end (a delivery held)
  std::int64_t requests = 0;
  std::int64_t connections = 0;
  int leftovers_settled = 0;    // from an earlier run, at start
  bool interrupted = false;
};

std::string progress_line(const Statistics& stats, const RunFacts& facts);

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}
  // The line, after any unexpected answer not shown yet (each on a line of its own).
  void show(Statistics& stats, const RunFacts& facts);
  // Ends the line being refreshed, before anything else is printed.
  void close();

 private:
  std::ostream& out_;
  bool terminal_;
  std::size_t width_ = 0;
};

void print_summary(std::ostream& out, const Statistics& stats, const RunFacts& facts, const SimulationOptions& options);
boost::json::object summary_json(const Statistics& stats, const RunFacts& facts, const SimulationOptions& options);

}  // namespace nelo::app::demo::sim
