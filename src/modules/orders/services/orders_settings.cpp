#include "modules/orders/services/orders_settings.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace nelo::orders {
namespace {

constexpr std::int64_t kMaxFee = 1'000'000;          // minor units: a fee above this is a typo
constexpr std::int64_t kMaxDistance = 1'000'000;     // metres
constexpr std::size_t kMaxTiers = 32;

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

  template <class T>
  void read_integer(const std::string& name, T& out, std::int64_t min, std::int64_t max) {
    auto text = get(name);
    if (!text) return;
    auto value = integer(*text, min, max);
    if (!value) {
      problems_.push_back(name + ": must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
      return;
    }
    out = static_cast<T>(*value);
  }

  void read_tiers(const std::string& name, std::vector<DeliveryFeeTier>& out) {
    auto text = get(name);
    if (!text) return;
    std::string problem;
    auto tiers = parse_delivery_fee_tiers(*text, problem);
    if (!tiers) {
      problems_.push_back(name + ": " + problem);
      return;
    }
    out = std::move(*tiers);
  }

  void add_problem(std::string problem) { problems_.push_back(std::move(problem)); }
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  const std::map<std::string, std::string>* env_;
  std::vector<std::string> problems_;
};

}  // namespace

std::optional<std::vector<DeliveryFeeTier>> parse_delivery_fee_tiers(std::string_view text, std::string& problem) {
  constexpr std::string_view kShape = "expected 'metres:fee' pairs separated by commas, e.g. 2000:199,4000:299";
  std::vector<DeliveryFeeTier> tiers;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) {
      problem = std::string(kShape) + " (trailing comma)";
      return std::nullopt;
    }
    const auto colon = pair.find(':');
    if (colon == std::string_view::npos) {
      problem = std::string(kShape) + " (no ':' in '" + std::string(pair) + "')";
      return std::nullopt;
    }
    auto distance = integer(pair.substr(0, colon), 1, kMaxDistance);
    auto fee = integer(pair.substr(colon + 1), 0, kMaxFee);
    if (!distance || !fee) {
      problem = "in '" + std::string(pair) + "': the distance must be 1.." + std::to_string(kMaxDistance) +
                " metres and the fee 0.." + std::to_string(kMaxFee) + " minor units";
      return std::nullopt;
    }
    if (!tiers.empty() && *distance <= tiers.back().max_distance_m) {
      problem = "distances must be strictly increasing ('" + std::string(pair) + "' comes after " +
                std::to_string(tiers.back().max_distance_m) + ")";
      return std::nullopt;
    }
    tiers.push_back({static_cast<int>(*distance), *fee});
    if (tiers.size() > kMaxTiers) {
      problem = "at most " + std::to_string(kMaxTiers) + " tiers";
      return std::nullopt;
    }
  }
  if (tiers.empty()) {
    problem = std::string(kShape) + " (none given)";
    return std::nullopt;
  }
  return tiers;
}

OrdersSettings orders_settings_from_environment(const std::map<std::string, std::string>* env) {
  OrdersSettings s;
  EnvReader r(env);
  r.read_tiers("NELO_ORDERS_DELIVERY_FEE_TIERS", s.pricing.delivery_fee_tiers);
  r.read_integer("NELO_ORDERS_SERVICE_FEE_BPS", s.pricing.service_fee_bps, 0, 10'000);
  r.read_integer("NELO_ORDERS_SERVICE_FEE_MIN", s.pricing.service_fee_min, 0, kMaxFee);
  r.read_integer("NELO_ORDERS_SERVICE_FEE_MAX", s.pricing.service_fee_max, 0, kMaxFee);
  if (s.pricing.service_fee_min > s.pricing.service_fee_max) {
    r.add_problem("NELO_ORDERS_SERVICE_FEE_MIN (" + std::to_string(s.pricing.service_fee_min) +
                  ") must not exceed NELO_ORDERS_SERVICE_FEE_MAX (" + std::to_string(s.pricing.service_fee_max) + ")");
  }
  std::int64_t purge_seconds = std::chrono::duration_cast<std::chrono::seconds>(s.idempotency_purge_interval).count();
  r.read_integer("NELO_ORDERS_IDEMPOTENCY_PURGE_SECONDS", purge_seconds, 1, 7 * 24 * 3600);
  s.idempotency_purge_interval = std::chrono::seconds(purge_seconds);
  std::int64_t cache_ms = s.details_cache_ttl.count();
  r.read_integer("NELO_ORDERS_DETAILS_CACHE_MS", cache_ms, 0, 60'000);
  s.details_cache_ttl = std::chrono::milliseconds(cache_ms);
  std::int64_t group_max = static_cast<std::int64_t>(s.placement_group_max);
  r.read_integer("NELO_ORDERS_PLACEMENT_GROUP_MAX", group_max, 1, 256);
  s.placement_group_max = static_cast<std::size_t>(group_max);
  if (!r.problems().empty()) {
    std::string message = "invalid orders configuration:";
    for (const auto& p : r.problems()) message += "\n  " + p;
    throw std::invalid_argument(message);
  }
  return s;
}

}  // namespace nelo::orders
