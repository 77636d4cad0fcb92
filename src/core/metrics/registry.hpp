#pragma once
// Prometheus metrics: families of counters, gauges and histograms keyed by label values.
// Children are created once and returned by reference, so hot paths keep a pointer and only
// touch atomics. Collectors refresh gauges that are read from elsewhere (pool, outbox) at scrape.
// (No Prometheus client library is packaged for Debian 12; the text format is small.)

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nelo::metrics {

using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void inc(double v = 1.0) noexcept;
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1.0) noexcept;
  void dec(double v = 1.0) noexcept { inc(-v); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double v) noexcept;
  // Cumulative counts per bound (+Inf last), sum and count, read at scrape time.
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;
    double sum;
    std::uint64_t count;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  // Stable reference for these label values (created on first use). Thread-safe.
  Metric& with(const LabelValues& values);

  const std::string& name() const noexcept { return name_; }
  const std::string& help() const noexcept { return help_; }
  const std::vector<std::string>& label_names() const noexcept { return label_names_; }
  // Visits every child under the family's lock.
  void for_each(const std::function<void(const LabelValues&, const Metric&)>& visit) const;
  void clear();  // drops every child (collectors that rebuild a gauge family from scratch)

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<LabelValues, std::unique_ptr<Metric>> children_;
};

class Registry {
 public:
  Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                               std::vector<double> bounds);

  using Collector = std::function<boost::asio::awaitable<void>()>;
  // Runs before each scrape; a collector that throws is logged and skipped.
  void add_collector(Collector collector);

  // Runs collectors, then renders the Prometheus text exposition format (version 0.0.4).
  boost::asio::awaitable<std::string> scrape();
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Gauge>>> gauges_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<Collector> collectors_;
};

// Default latency buckets in seconds (0.5 ms .. 10 s).
std::vector<double> latency_buckets();

}  // namespace nelo::metrics
