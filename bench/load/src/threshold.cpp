#include "threshold.hpp"

#include <charconv>
#include <cmath>

namespace comptoir::load {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<double> Number(std::string_view s) {
  s = Trim(s);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsTrend(std::string_view m) {
  return m == "http_req_latency" || m == "http_req_duration" || m == "iteration_duration";
}
bool IsRate(std::string_view m) {
  return m == "http_req_failed" || m == "checks";
}
bool IsCounter(std::string_view m) {
  return m == "http_reqs" || m == "iterations" || m == "dropped_iterations";
}

std::optional<double> TrendValue(const Histogram& h, const Threshold& t) {
  if (h.Count() == 0) return std::nullopt;
  const double ms = 1000.0;
  if (t.aggregation == "avg") return h.Mean() / ms;
  if (t.aggregation == "min") return static_cast<double>(h.Min()) / ms;
  if (t.aggregation == "max") return static_cast<double>(h.Max()) / ms;
  if (t.aggregation == "med") return static_cast<double>(h.Percentile(50)) / ms;
  return static_cast<double>(h.Percentile(t.percentile)) / ms;
}

}  // namespace

std::optional<Threshold> ParseThreshold(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Threshold> {
    if (error != nullptr) *error = "threshold '" + std::string(text) + "': " + why;
    return std::nullopt;
  };
  Threshold t;
  t.expression = std::string(Trim(text));
  const auto colon = text.find(": ");
  const auto brace = text.find('{');
  std::string_view head;
  std::string_view rule;
  if (colon == std::string_view::npos) return fail("expected 'metric: aggregation<op>value'");
  head = Trim(text.substr(0, colon));
  rule = Trim(text.substr(colon + 2));
  if (brace != std::string_view::npos && brace < colon) {
    const auto close = head.find('}');
    const auto inner = head.substr(brace + 1, close == std::string_view::npos ? 0 : close - brace - 1);
    const auto sep = inner.find(':');
    if (close == std::string_view::npos || sep == std::string_view::npos) return fail("tag filter must be {key:value}");
    t.tag_key = std::string(inner.substr(0, sep));
    t.tag_value = std::string(inner.substr(sep + 1));
    if (t.tag_key != "name") return fail("only the 'name' tag can filter");
    head = head.substr(0, brace);
  }
  t.metric = std::string(Trim(head));
  if (!IsTrend(t.metric) && !IsRate(t.metric) && !IsCounter(t.metric) && t.metric != "vus_max") {
    return fail("unknown metric " + t.metric);
  }
  if (!t.tag_key.empty() && !(IsTrend(t.metric) || t.metric == "http_req_failed" || t.metric == "http_reqs")) {
    return fail("a name filter only applies to request metrics");
  }
  const auto op_at = rule.find_first_of("<>=");
  if (op_at == std::string_view::npos) return fail("missing comparison");
  std::string_view aggregation = Trim(rule.substr(0, op_at));
  std::size_t op_len = (op_at + 1 < rule.size() && rule[op_at + 1] == '=') ? 2 : 1;
  t.op = std::string(rule.substr(op_at, op_len));
  if (t.op == "=") return fail("use == for equality");
  auto bound = Number(rule.substr(op_at + op_len));
  if (!bound) return fail("the bound must be a number");
  t.bound = *bound;
  if (aggregation.starts_with("p(") && aggregation.ends_with(")")) {
    auto p = Number(aggregation.substr(2, aggregation.size() - 3));
    if (!p || *p < 0 || *p > 100) return fail("p(N) needs 0 <= N <= 100");
    t.percentile = *p;
    t.aggregation = "p";
  } else {
    t.aggregation = std::string(aggregation);
  }
  const bool ok = IsTrend(t.metric)     ? (t.aggregation == "avg" || t.aggregation == "min" || t.aggregation == "max" ||
                                       t.aggregation == "med" || t.aggregation == "p")
                  : IsRate(t.metric)    ? t.aggregation == "rate"
                  : IsCounter(t.metric) ? (t.aggregation == "count" || t.aggregation == "rate")
                                        : t.aggregation == "value";
  if (!ok) return fail("aggregation '" + std::string(aggregation) + "' does not apply to " + t.metric);
  return t;
}

std::optional<double> Observe(const Threshold& t, const Recorder& r, double seconds) {
  const RequestStats* stats = &r.all();
  if (!t.tag_key.empty()) {
    auto found = r.by_name().find(t.tag_value);
    if (found == r.by_name().end()) return std::nullopt;
    stats = &found->second;
  }
  if (t.metric == "http_req_latency") return TrendValue(stats->latency, t);
  if (t.metric == "http_req_duration") return TrendValue(stats->service, t);
  if (t.metric == "iteration_duration") return TrendValue(r.iteration_duration(), t);
  if (t.metric == "http_req_failed") {
    if (stats->count == 0) return std::nullopt;
    return static_cast<double>(stats->failed) / static_cast<double>(stats->count);
  }
  if (t.metric == "checks") {
    const double total = static_cast<double>(r.check_passes() + r.check_fails());
    if (total == 0) return std::nullopt;
    return static_cast<double>(r.check_passes()) / total;
  }
  double count = 0;
  if (t.metric == "http_reqs") count = static_cast<double>(stats->count);
  if (t.metric == "iterations") count = static_cast<double>(r.iterations());
  if (t.metric == "dropped_iterations") count = static_cast<double>(r.dropped());
  if (t.metric == "vus_max") return static_cast<double>(r.vus_max());
  if (t.aggregation == "rate") return seconds > 0 ? count / seconds : 0.0;
  return count;
}

bool Holds(const Threshold& t, double v) {
  if (t.op == "<") return v < t.bound;
  if (t.op == "<=") return v <= t.bound;
  if (t.op == ">") return v > t.bound;
  if (t.op == ">=") return v >= t.bound;
  if (t.op == "==") return std::abs(v - t.bound) < 1e-12;
  return false;
}

}  // namespace comptoir::load
