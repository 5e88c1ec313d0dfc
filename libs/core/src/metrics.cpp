#include "comptoir/metrics.hpp"

#include <cmath>

#include <fmt/format.h>

namespace comptoir::metrics {
namespace {

void AtomicAdd(std::atomic<double>& target, double amount) noexcept {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra = {}) {
  if (names.empty() && extra.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

void Header(std::string& out, const std::string& name, const std::string& help, std::string_view type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " ";
  out += type;
  out += '\n';
}

}  // namespace

void Counter::Inc(double amount) noexcept { AtomicAdd(value_, amount); }
void Gauge::Inc(double amount) noexcept { AtomicAdd(value_, amount); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Entry e{Type::kCounter};
  e.counter = std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels));
  entries_.push_back(std::move(e));
  return *entries_.back().counter;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  Entry e{Type::kGauge};
  e.gauge = std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels));
  entries_.push_back(std::move(e));
  return *entries_.back().gauge;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                          std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Entry e{Type::kHistogram};
  e.histogram = std::make_unique<Family<Histogram>>(std::move(name), std::move(help), std::move(labels),
                                                    std::move(bounds));
  entries_.push_back(std::move(e));
  return *entries_.back().histogram;
}

void Registry::AddCallbackGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  Entry e{Type::kGauge};
  e.callback_name = std::move(name);
  e.callback_help = std::move(help);
  e.callback = std::move(read);
  entries_.push_back(std::move(e));
}

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& e : entries_) {
    if (e.callback) {
      Header(out, e.callback_name, e.callback_help, "gauge");
      out += e.callback_name + " " + FormatValue(e.callback()) + "\n";
    } else if (e.counter) {
      Header(out, e.counter->name(), e.counter->help(), "counter");
      e.counter->ForEach([&](const auto& values, const Counter& c) {
        out += e.counter->name() + Labels(e.counter->labels(), values) + " " + FormatValue(c.Value()) + "\n";
      });
    } else if (e.gauge) {
      Header(out, e.gauge->name(), e.gauge->help(), "gauge");
      e.gauge->ForEach([&](const auto& values, const Gauge& g) {
        out += e.gauge->name() + Labels(e.gauge->labels(), values) + " " + FormatValue(g.Value()) + "\n";
      });
    } else if (e.histogram) {
      const auto& f = *e.histogram;
      Header(out, f.name(), f.help(), "histogram");
      f.ForEach([&](const auto& values, const Histogram& h) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
          cumulative += h.BucketCount(i);
          std::string le = i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf";
          out += f.name() + "_bucket" + Labels(f.labels(), values, "le=\"" + le + "\"") + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += f.name() + "_sum" + Labels(f.labels(), values) + " " + FormatValue(h.Sum()) + "\n";
        out += f.name() + "_count" + Labels(f.labels(), values) + " " + std::to_string(h.Count()) + "\n";
      });
    }
  }
  return out;
}

std::string EscapeLabel(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{}", value);
}

}  // namespace comptoir::metrics
