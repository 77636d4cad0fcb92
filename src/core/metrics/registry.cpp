#include "core/metrics/registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace nelo::metrics {

namespace {

bool valid_name(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void check_names(const std::string& name, const std::vector<std::string>& labels) {
  if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  for (const auto& l : labels) {
    if (!valid_name(l, false) || l.rfind("__", 0) == 0 || l == "le") {
      throw std::invalid_argument("invalid label name \"" + l + "\" for metric " + name);
    }
  }
}

// Prometheus float text: shortest round-trip form, +Inf/-Inf/NaN spelled as the format wants.
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);  // 0.0005, not 5e-04
    out.append(buf, res.ptr);
  }
}

void append_escaped_label(std::string& out, const std::string& value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_help(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// {a="x",b="y"} (with an optional extra label, for histogram buckets); nothing when empty.
void append_labels(std::string& out, const std::vector<std::string>& names, const LabelValues& values,
                   const char* extra_name = nullptr, const std::string* extra_value = nullptr) {
  if (names.empty() && !extra_name) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_escaped_label(out, values[i]);
    out += '"';
  }
  if (extra_name) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    append_escaped_label(out, *extra_value);
    out += '"';
  }
  out += '}';
}

template <class T>
void atomic_add(std::atomic<T>& a, T v) noexcept {
  // fetch_add on atomic<double> is C++20 but a CAS loop keeps older libstdc++ happy too.
  T old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Counter::inc(double v) noexcept {
  if (v < 0) return;  // counters only go up; a negative increment is a caller bug, not a reset
  atomic_add(value_, v);
}

void Gauge::inc(double v) noexcept { atomic_add(value_, v); }

Histogram::Histogram(const std::vector<double>& bounds) : bounds_(bounds) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::invalid_argument("histogram bounds must be strictly increasing");
  }
  if (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();  // +Inf is implicit
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
  // Buckets are "le": the first bound >= v.
  std::size_t i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // Count from the buckets so that +Inf == _count even while observations race the scrape.
  s.count = running;
  return s;
}

template <class Metric>
Metric& Family<Metric>::with(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " takes " + std::to_string(label_names_.size()) +
                                " label value(s), got " + std::to_string(values.size()));
  }
  std::lock_guard lock(mutex_);
  auto it = children_.find(values);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<Metric> child;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    child = std::make_unique<Histogram>(bounds_);
  } else {
    child = std::make_unique<Metric>();
  }
  Metric& ref = *child;
  children_.emplace(values, std::move(child));
  return ref;
}

template <class Metric>
void Family<Metric>::for_each(const std::function<void(const LabelValues&, const Metric&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, child] : children_) visit(labels, *child);
}

template <class Metric>
void Family<Metric>::clear() {
  std::lock_guard lock(mutex_);
  children_.clear();
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

namespace {

template <class Metric, class... Extra>
Family<Metric>& get_or_add(std::map<std::string, std::unique_ptr<Family<Metric>>>& families, bool taken_elsewhere,
                           const std::string& name, const std::string& help, std::vector<std::string> labels,
                           Extra&&... extra) {
  auto it = families.find(name);
  if (it != families.end()) {
    if (it->second->label_names() != labels) {
      throw std::invalid_argument("metric " + name + " registered twice with different labels");
    }
    return *it->second;
  }
  if (taken_elsewhere) throw std::invalid_argument("metric " + name + " registered twice with different types");
  check_names(name, labels);
  auto family = std::make_unique<Family<Metric>>(name, help, std::move(labels), std::forward<Extra>(extra)...);
  auto& ref = *family;
  families.emplace(name, std::move(family));
  return ref;
}

}  // namespace

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  return get_or_add(counters_, gauges_.count(name) || histograms_.count(name), name, help, std::move(labels));
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  return get_or_add(gauges_, counters_.count(name) || histograms_.count(name), name, help, std::move(labels));
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, std::vector<double> bounds) {
  Histogram probe(bounds);  // validates the bounds before anything is registered
  std::lock_guard lock(mutex_);
  return get_or_add(histograms_, counters_.count(name) || gauges_.count(name), name, help, std::move(labels),
                    std::move(bounds));
}

void Registry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

boost::asio::awaitable<std::string> Registry::scrape() {
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& collect : collectors) {
    try {
      co_await collect();
    } catch (const std::exception& e) {
      spdlog::warn("metrics collector failed: {}", e.what());
    }
  }
  co_return render();
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  // Families render in name order whatever their type, so the output is stable.
  struct Entry {
    const std::string* name;
    int kind;
    const void* family;
  };
  std::vector<Entry> entries;
  for (const auto& [n, f] : counters_) entries.push_back({&n, 0, f.get()});
  for (const auto& [n, f] : gauges_) entries.push_back({&n, 1, f.get()});
  for (const auto& [n, f] : histograms_) entries.push_back({&n, 2, f.get()});
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return *a.name < *b.name; });

  std::string out;
  out.reserve(16 * 1024);
  for (const auto& e : entries) {
    if (e.kind == 0 || e.kind == 1) {
      auto emit = [&](const auto& family, const char* type) {
        append_help(out, family.name(), family.help(), type);
        family.for_each([&](const LabelValues& labels, const auto& metric) {
          out += family.name();
          append_labels(out, family.label_names(), labels);
          out += ' ';
          append_number(out, metric.value());
          out += '\n';
        });
      };
      if (e.kind == 0) emit(*static_cast<const Family<Counter>*>(e.family), "counter");
      else emit(*static_cast<const Family<Gauge>*>(e.family), "gauge");
      continue;
    }
    const auto& family = *static_cast<const Family<Histogram>*>(e.family);
    append_help(out, family.name(), family.help(), "histogram");
    family.for_each([&](const LabelValues& labels, const Histogram& h) {
      auto snap = h.snapshot();
      const auto& bounds = h.bounds();
      std::string le;
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        le.clear();
        if (i < bounds.size()) append_number(le, bounds[i]);
        else le = "+Inf";
        out += family.name();
        out += "_bucket";
        append_labels(out, family.label_names(), labels, "le", &le);
        out += ' ';
        out += std::to_string(snap.cumulative[i]);
        out += '\n';
      }
      out += family.name();
      out += "_sum";
      append_labels(out, family.label_names(), labels);
      out += ' ';
      append_number(out, snap.sum);
      out += '\n';
      out += family.name();
      out += "_count";
      append_labels(out, family.label_names(), labels);
      out += ' ';
      out += std::to_string(snap.count);
      out += '\n';
    });
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace nelo::metrics
