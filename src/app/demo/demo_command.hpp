#pragma once
// `nelo demo seed`: loads the demo data set into a running server through its public API, and
// makes the demo admin in-process, exactly as `nelo admin create` does (admins cannot register).

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

}  // namespace nelo::app::demo
