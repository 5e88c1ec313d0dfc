#include "schedule.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace comptoir::load {

std::string_view ExecutorName(ExecutorType type) noexcept {
  switch (type) {
    case ExecutorType::kConstantArrivalRate:
      return "constant-arrival-rate";
    case ExecutorType::kRampingArrivalRate:
      return "ramping-arrival-rate";
    case ExecutorType::kRampingVus:
      return "ramping-vus";
    case ExecutorType::kConstantVus:
      return "constant-vus";
  }
  return "constant-arrival-rate";
}

std::optional<ExecutorType> ParseExecutor(std::string_view name) noexcept {
  for (auto type : {ExecutorType::kConstantArrivalRate, ExecutorType::kRampingArrivalRate, ExecutorType::kRampingVus,
                    ExecutorType::kConstantVus}) {
    if (ExecutorName(type) == name) return type;
  }
  return std::nullopt;
}

namespace {
bool Ramping(const ExecutorConfig& c) {
  return c.type == ExecutorType::kRampingArrivalRate || c.type == ExecutorType::kRampingVus;
}
}  // namespace

Seconds ScheduledDuration(const ExecutorConfig& config) {
  if (!Ramping(config)) return config.duration;
  Seconds total{0};
  for (const auto& s : config.stages) total += s.duration;
  return total;
}

ExecutorConfig Scaled(ExecutorConfig config, double factor) {
  config.duration *= factor;
  for (auto& s : config.stages) s.duration *= factor;
  return config;
}

double RateAt(const ExecutorConfig& config, Seconds t) {
  const double unit = config.time_unit.count();
  if (config.type == ExecutorType::kConstantArrivalRate) {
    return t < config.duration ? config.rate / unit : 0.0;
  }
  double from = config.start_rate;
  Seconds begin{0};
  for (const auto& s : config.stages) {
    if (t < begin + s.duration) {
      const double f = s.duration.count() > 0 ? (t - begin).count() / s.duration.count() : 1.0;
      return (from + (s.target - from) * f) / unit;
    }
    begin += s.duration;
    from = s.target;
  }
  return 0.0;
}

std::optional<Seconds> ArrivalOffset(const ExecutorConfig& config, std::uint64_t i) {
  const double unit = config.time_unit.count();
  double want = static_cast<double>(i);  // iterations still to go before the i-th starts
  if (config.type == ExecutorType::kConstantArrivalRate) {
    const double per_second = config.rate / unit;
    if (per_second <= 0) return std::nullopt;
    Seconds at{want / per_second};
    if (at >= config.duration) return std::nullopt;
    return at;
  }
  double from = config.start_rate / unit;
  Seconds begin{0};
  for (const auto& s : config.stages) {
    const double to = s.target / unit;
    const double d = s.duration.count();
    const double area = (from + to) / 2.0 * d;  // iterations started during this stage
    if (want < area || (want == 0 && area > 0)) {
      // Solve from*x + (to-from)/(2d)*x^2 = want for x in [0, d].
      double x = 0;
      const double a = d > 0 ? (to - from) / (2.0 * d) : 0.0;
      if (std::abs(a) < 1e-12) {
        x = from > 0 ? want / from : 0.0;
      } else {
        x = (-from + std::sqrt(std::max(0.0, from * from + 4.0 * a * want))) / (2.0 * a);
      }
      return begin + Seconds(std::clamp(x, 0.0, d));
    }
    want -= area;
    begin += s.duration;
    from = to;
  }
  return std::nullopt;
}

int VusAt(const ExecutorConfig& config, Seconds t) {
  if (config.type == ExecutorType::kConstantVus) return t < config.duration ? config.vus : 0;
  double from = config.start_vus;
  Seconds begin{0};
  for (const auto& s : config.stages) {
    if (t < begin + s.duration) {
      const double f = s.duration.count() > 0 ? (t - begin).count() / s.duration.count() : 1.0;
      return static_cast<int>(std::floor(from + (s.target - from) * f + 1e-9));
    }
    begin += s.duration;
    from = s.target;
  }
  return 0;
}

int MaxVus(const ExecutorConfig& config) {
  if (config.type == ExecutorType::kConstantVus) return config.vus;
  if (config.type == ExecutorType::kRampingVus) {
    double most = config.start_vus;
    for (const auto& s : config.stages) most = std::max(most, s.target);
    return static_cast<int>(std::ceil(most));
  }
  return config.max_vus;
}

std::optional<Seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    std::size_t n = 0;
    while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) ++n;
    if (n == 0) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + n, value);
    if (ec != std::errc{} || end != text.data() + n) return std::nullopt;
    text.remove_prefix(n);
    double unit = 0;
    if (text.starts_with("ms")) {
      unit = 0.001;
      text.remove_prefix(2);
    } else if (text.starts_with("s")) {
      unit = 1;
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      unit = 60;
      text.remove_prefix(1);
    } else if (text.starts_with("h")) {
      unit = 3600;
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total += value * unit;
  }
  return Seconds(total);
}

std::string FormatDuration(Seconds d) {
  const double s = d.count();
  if (s < 1 && s > 0) return std::to_string(static_cast<long long>(std::llround(s * 1000))) + "ms";
  auto whole = static_cast<long long>(std::floor(s));
  const double frac = s - static_cast<double>(whole);
  std::string out;
  if (whole >= 3600) {
    out += std::to_string(whole / 3600) + "h";
    whole %= 3600;
  }
  if (whole >= 60) {
    out += std::to_string(whole / 60) + "m";
    whole %= 60;
  }
  if (whole > 0 || frac > 1e-9 || out.empty()) {
    if (frac > 1e-9) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.3g", static_cast<double>(whole) + frac);
      out += buffer;
    } else {
      out += std::to_string(whole);
    }
    out += "s";
  }
  return out;
}

std::optional<std::vector<Stage>> ParseStages(std::string_view text) {
  std::vector<Stage> stages;
  if (text.empty()) return std::nullopt;
  for (bool last = false; !last;) {
    auto comma = text.find(',');
    last = comma == std::string_view::npos;
    std::string_view item = text.substr(0, comma);
    text = last ? std::string_view{} : text.substr(comma + 1);
    auto colon = item.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto duration = ParseDuration(item.substr(0, colon));
    std::string_view number = item.substr(colon + 1);
    double target = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), target);
    if (!duration || ec != std::errc{} || end != number.data() + number.size() || target < 0) return std::nullopt;
    stages.push_back({*duration, target});
  }
  if (stages.empty()) return std::nullopt;
  return stages;
}

}  // namespace comptoir::load
