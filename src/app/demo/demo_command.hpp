#pragma once
// `nelo demo seed`: loads the demo data set into a running server through its public API, and
// makes the demo admin in-process, exactly as `nelo admin create` does (admins cannot register).

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

#include "app/demo/demo_data.hpp"
#include "core/config.hpp"

namespace nelo::app::demo {

struct SeedCommand {
  std::string url = "http://127.0.0.1:8000";
  std::string center = "48.8566,2.3522";  // "LAT,LNG": the Hôtel de Ville, Paris
  std::string password;                   // empty: the default demo password
  int wait_seconds = 30;                  // for the server to be ready
};

// "48.8566,2.3522" -> {lat, lng}; nullopt unless two numbers within WGS 84 ranges.
struct LatLng {
  double lat = 0;
  double lng = 0;
};
std::optional<LatLng> parse_center(const std::string& text);

// Exit code: 0 done, 1 the server is unreachable or answered something unexpected, 2 bad arguments.
int run_seed(const SeedCommand& command, const Config& config);

class ApiClient;

// Until GET /health/ready answers 200; false after `patience`, with a line on stderr that names
// `command` ("nelo demo seed").
bool wait_ready(const ApiClient& api, std::chrono::seconds patience, const std::string& command);

// The seed's work on a ready server: the admin (in-process, see run_seed), then the city through
// the API, its progress and the closing table of accounts written to `out`. Throws
// std::runtime_error, naming the step and the answer, on anything unexpected. `nelo demo simulate`
// runs it first, so that the city it plays exists.
void seed_city(const ApiClient& api, LatLng center, const std::string& password, const Config& config,
               std::ostream& out);

}  // namespace nelo::app::demo
