#pragma once
// `nelo demo simulate`'s options: what the command line hands over as text (CLI11 fills
// SimulateArguments), and the checked values the simulation runs with. Every option is checked
// here, in one place, so that each bad value gets one clear line and the exit code 2.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace nelo::app::demo::sim {

// As typed. Numbers are kept as text so that "abc" or "1e999" is refused with a sentence that
// names the option and its range, not a parser's error code.
struct SimulateArguments {
  std::string url = "http://127.0.0.1:8000";
  std::string drivers = "20";
  std::string customers = "4";
  std::string order_rate = "6";
  std::string speedup = "20";
  std::string duration = "0";
  std::string drain = "0";
  std::string decline_probability = "0.1";
  std::string center = "48.8566,2.3522";
  std::string password;  // empty: the demo password
  std::string seed = "1";
  std::string connections = "32";
  std::string wait = "30";
  bool json = false;
  bool quiet = false;
};

struct SimulationOptions {
  std::string url;
  int drivers = 20;
  int customers = 4;            // extra simulated customers, besides the demo city's three
  double order_rate = 6;        // orders per minute of wall-clock time, Poisson arrivals
  double speedup = 20;          // simulated seconds per real second
  int duration_seconds = 0;     // real seconds of ordering; 0: until Ctrl-C
  int drain_seconds = 0;        // after the duration, real seconds for orders in flight to finish
  double decline_probability = 0.1;
  double center_lat = 48.8566;
  double center_lng = 2.3522;
  std::string password;
  std::uint64_t seed = 1;
  int connections = 32;         // keep-alive connections to the server, at most
  int wait_seconds = 30;        // for the server to be ready
  bool json = false;
  bool quiet = false;
};

// The checked options, or every problem found (one line each, naming the option).
std::variant<SimulationOptions, std::vector<std::string>> check_arguments(const SimulateArguments& arguments);

}  // namespace nelo::app::demo::sim
