#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "recorder.hpp"

namespace comptoir::load {

/// A k6-style threshold, e.g. `http_req_latency{name:sales.create}: p(95)<15`, `checks: rate>0.999`,
/// `http_req_failed: rate==0`, `dropped_iterations: count<1`. Durations are in milliseconds.
/// Metrics: http_req_latency (from the intended send time), http_req_duration (from the send),
/// iteration_duration (trends: avg, min, med, max, p(N)); http_req_failed, checks (rates: rate);
/// http_reqs, iterations, dropped_iterations (counters: count, rate per second); vus_max (value).
struct Threshold {
  std::string expression;  ///< as written
  std::string metric;
  std::string tag_key;  ///< "name" (request name) or empty
  std::string tag_value;
  std::string aggregation;  ///< avg | min | med | max | p(N) | rate | count | value
  double percentile = 0;    ///< N of p(N)
  std::string op;           ///< < <= > >= ==
  double bound = 0;
};

/// Parses a threshold; nullopt (and `error` set) when it does not follow the grammar above.
std::optional<Threshold> ParseThreshold(std::string_view text, std::string* error = nullptr);

/// The observed value of a threshold's metric and aggregation; nullopt when the metric has no data
/// (e.g. a request name never sent), which fails the threshold.
std::optional<double> Observe(const Threshold& threshold, const Recorder& recorder, double seconds);

/// Whether `value` satisfies the threshold's comparison.
bool Holds(const Threshold& threshold, double value);

}  // namespace comptoir::load
