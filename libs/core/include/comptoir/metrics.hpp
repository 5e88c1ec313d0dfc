#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace comptoir::metrics {

/// Monotonic counter; lock-free.
class Counter {
 public:
  void Inc(double amount = 1.0) noexcept;
  [[nodiscard]] double Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Value that goes up and down; lock-free.
class Gauge {
 public:
  void Set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void Inc(double amount = 1.0) noexcept;
  void Dec(double amount = 1.0) noexcept { Inc(-amount); }
  [[nodiscard]] double Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Cumulative histogram with fixed upper bounds; lock-free observations.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value) noexcept;
  [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Non-cumulative count of bucket i (i == bounds().size() is +Inf).
  [[nodiscard]] std::uint64_t BucketCount(std::size_t i) const noexcept { return buckets_[i].load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t Count() const noexcept { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] double Sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

/// Latency buckets in seconds, from 0.5 ms to 10 s.
std::vector<double> DefaultLatencyBuckets();

enum class Type { kCounter, kGauge, kHistogram };

/// A metric name with label names; children per label values are created on first use and live
/// as long as the registry (references stay valid, so hot paths can keep them).
template <class T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), bounds_(std::move(bounds)) {}

  T& WithLabels(const std::vector<std::string>& values) {
    std::lock_guard lock(mutex_);
    auto it = children_.find(values);
    if (it == children_.end()) {
      it = children_.emplace(values, Make()).first;
    }
    return *it->second;
  }

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& help() const { return help_; }
  [[nodiscard]] const std::vector<std::string>& labels() const { return labels_; }

  template <class F>
  void ForEach(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, child] : children_) f(values, *child);
  }

 private:
  std::unique_ptr<T> Make() {
    if constexpr (std::is_same_v<T, Histogram>) {
      return std::make_unique<T>(bounds_);
    } else {
      return std::make_unique<T>();
    }
  }

  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

/// All metrics of one process, rendered in the Prometheus text exposition format 0.0.4.
class Registry {
 public:
  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                  std::vector<double> bounds = DefaultLatencyBuckets());
  /// A gauge read when rendered (pool sizes, queue lengths).
  void AddCallbackGauge(std::string name, std::string help, std::function<double()> read);

  [[nodiscard]] std::string Render() const;

 private:
  struct Entry {
    Type type;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
    std::string callback_name, callback_help;
    std::function<double()> callback;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

/// Escapes a label value for the text format (backslash, quote, newline).
std::string EscapeLabel(const std::string& value);
/// Formats a sample value the way Prometheus expects (+Inf, integers without exponent).
std::string FormatValue(double value);

}  // namespace comptoir::metrics
