#include "app/demo/simulate/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace nelo::app::demo::sim {
namespace {

constexpr std::size_t kErrorSamples = 8;

}  // namespace

std::optional<double> Samples::percentile(double p) const {
  if (values_.empty()) return std::nullopt;
  std::vector<double> sorted = values_;
  const auto rank = static_cast<std::size_t>(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * sorted.size()));
  const std::size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(index), sorted.end());
  return sorted[index];
}

Statistics::Statistics() : start_(Clock::now()) {}

void Statistics::unexpected(const std::string& what, const std::string& description) {
  ++errors_;
  if (error_samples_.size() >= kErrorSamples) return;
  error_samples_.push_back(what + ": " + description.substr(0, 400));
}

std::vector<std::string> Statistics::take_new_errors() {
  std::vector<std::string> out(error_samples_.begin() + static_cast<std::ptrdiff_t>(errors_printed_),
                               error_samples_.end());
  errors_printed_ = error_samples_.size();
  return out;
}

double Statistics::elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

std::int64_t Statistics::placed_between(double from, double to) const {
  return std::count_if(placed_at_.begin(), placed_at_.end(), [&](double t) { return t >= from && t < to; });
}

std::int64_t Statistics::delivered_between(double from, double to) const {
  return std::count_if(delivered_at_.begin(), delivered_at_.end(), [&](double t) { return t >= from && t < to; });
}

}  // namespace nelo::app::demo::sim
