#include "app/demo/simulate/options.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "app/demo/api_client.hpp"
#include "app/demo/demo_command.hpp"
#include "core/text.hpp"

namespace nelo::app::demo::sim {
namespace {

template <typename Number>
bool read_number(std::string_view text, Number& out) {
  text = trimmed(text);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if constexpr (std::is_floating_point_v<Number>) {
    if (ec == std::errc() && !std::isfinite(out)) return false;
  }
  return ec == std::errc() && end == text.data() + text.size();
}

// Collects one line per bad option.
class Checker {
 public:
  void whole(const char* option, const std::string& text, long long min, long long max, int& out) {
    long long value = 0;
    if (!read_number(text, value) || value < min || value > max) {
      problems.push_back(std::string(option) + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got '" + text + "'");
      return;
    }
    out = static_cast<int>(value);
  }

  // (min, max] when `min_open`, else [min, max].
  void real(const char* option, const std::string& text, double min, bool min_open, double max, const char* range,
            double& out) {
    double value = 0;
    if (!read_number(text, value) || (min_open ? value <= min : value < min) || value > max) {
      problems.push_back(std::string(option) + " must be a number " + range + ", got '" + text + "'");
      return;
    }
    out = value;
  }

  std::vector<std::string> problems;
};

}  // namespace

std::variant<SimulationOptions, std::vector<std::string>> check_arguments(const SimulateArguments& a) {
  SimulationOptions o;
  Checker check;
  check.whole("--drivers", a.drivers, 1, 5000, o.drivers);
  check.whole("--customers", a.customers, 0, 1000, o.customers);
  check.real("--order-rate", a.order_rate, 0, true, 60000, "of orders per minute above 0, up to 60000", o.order_rate);
  check.real("--speedup", a.speedup, 1, false, 1000, "from 1 (real time) to 1000", o.speedup);
  check.whole("--duration", a.duration, 0, 7 * 24 * 3600, o.duration_seconds);
  check.whole("--drain", a.drain, 0, 24 * 3600, o.drain_seconds);
  check.real("--decline-probability", a.decline_probability, 0, false, 0.95, "from 0 to 0.95",
             o.decline_probability);
  check.whole("--connections", a.connections, 1, 1000, o.connections);
  check.whole("--wait", a.wait, 0, 3600, o.wait_seconds);
  if (!read_number(a.seed, o.seed)) {
    check.problems.push_back("--seed must be a whole number from 0 to 18446744073709551615, got '" + a.seed + "'");
  }
  if (const auto center = parse_center(a.center)) {
    o.center_lat = center->lat;
    o.center_lng = center->lng;
  } else {
    check.problems.push_back("--center must be LAT,LNG in degrees (latitude -85..85, longitude -180..180), got '" +
                             a.center + "'");
  }
  try {
    ApiClient probe(a.url);
    o.url = a.url;
  } catch (const std::invalid_argument& e) {
    check.problems.push_back(std::string("--url: ") + e.what());
  }
  o.password = a.password;
  // The registration rule (docs/api/auth.md): 12 to 128 characters.
  std::size_t characters = 0;
  for (const char c : a.password) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (!a.password.empty() && (characters < 12 || characters > 128)) {
    check.problems.push_back("--password must have 12 to 128 characters (the registration rule)");
  }
  if (o.drain_seconds > 0 && o.duration_seconds == 0 && check.problems.empty()) {
    check.problems.push_back(
        "--drain needs --duration: without one the simulation runs until Ctrl-C, which ends it at once");
  }
  o.json = a.json;
  o.quiet = a.quiet;
  if (!check.problems.empty()) return check.problems;
  return o;
}

}  // namespace nelo::app::demo::sim
