#include "modules/deliveries/deliveries_settings.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace nelo::deliveries {
namespace {

constexpr std::int64_t kDay = 24 * 3600;

std::optional<std::int64_t> integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

class EnvReader {
 public:
  explicit EnvReader(const std::map<std::string, std::string>* env) : env_(env) {}

  std::optional<std::string> get(const std::string& name) const {
    if (env_) {
      auto it = env_->find(name);
      if (it == env_->end() || it->second.empty()) return std::nullopt;
      return it->second;
    }
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  }

  // An integer in [min, max] into `out` (a number or a std::chrono::duration of that unit).
  template <class T>
  void read(const std::string& name, T& out, std::int64_t min, std::int64_t max) {
    auto text = get(name);
    if (!text) return;
    auto value = integer(*text, min, max);
    if (!value) {
      problems_.push_back(name + ": must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
      return;
    }
    out = T(*value);
  }

  void add_problem(std::string problem) { problems_.push_back(std::move(problem)); }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  const std::map<std::string, std::string>* env_;
  std::vector<std::string> problems_;
};

}  // namespace

DeliveriesSettings deliveries_settings_from_environment(const std::map<std::string, std::string>* env) {
  DeliveriesSettings s;
  EnvReader r(env);
  r.read("NELO_DELIVERIES_DRIVER_SILENCE_SECONDS", s.driver_silence_timeout, 1, kDay);
  r.read("NELO_DELIVERIES_PING_MAX_AGE_SECONDS", s.ping_max_age, 1, 7 * kDay);
  r.read("NELO_DELIVERIES_PING_MAX_FUTURE_SECONDS", s.ping_max_future, 0, 3600);
  r.read("NELO_DELIVERIES_POSITION_FLUSH_MS", s.position_flush_interval, 10, 3'600'000);
  r.read("NELO_DELIVERIES_ONLINE_CACHE_MS", s.online_cache_ttl, 0, 60'000);
  r.read("NELO_DELIVERIES_OFFER_TIMEOUT_SECONDS", s.offer_timeout, 1, 3600);
  r.read("NELO_DELIVERIES_SEARCH_RADIUS_START_M", s.search_radius_start_m, 1, 100'000);
  r.read("NELO_DELIVERIES_SEARCH_RADIUS_MAX_M", s.search_radius_max_m, 1, 100'000);
  r.read("NELO_DELIVERIES_DISPATCH_RETRY_SECONDS", s.dispatch_retry_interval, 1, 3600);
  r.read("NELO_DELIVERIES_UNASSIGNED_AFTER_SECONDS", s.unassigned_after, 1, kDay);
  r.read("NELO_DELIVERIES_PIN_MAX_ATTEMPTS", s.pin_max_attempts, 1, 100);
  if (s.search_radius_start_m > s.search_radius_max_m) {
    r.add_problem("NELO_DELIVERIES_SEARCH_RADIUS_START_M (" + std::to_string(s.search_radius_start_m) +
                  ") must not exceed NELO_DELIVERIES_SEARCH_RADIUS_MAX_M (" + std::to_string(s.search_radius_max_m) +
                  ")");
  }
  if (!r.problems().empty()) {
    std::string message = "invalid deliveries configuration:";
    for (const auto& p : r.problems()) message += "\n  " + p;
    throw std::invalid_argument(message);
  }
  return s;
}

}  // namespace nelo::deliveries
