#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "histogram.hpp"

namespace comptoir::load {

using Clock = std::chrono::steady_clock;

/// Statistics of one request name (e.g. "sales.create"): latencies in microseconds.
struct RequestStats {
  Histogram latency;  ///< from the intended send time (open loop) or the send (closed loop)
  Histogram service;  ///< from the moment the request was handed to the client
  std::uint64_t count = 0;
  std::uint64_t failed = 0;               ///< transport errors and unexpected statuses
  std::map<int, std::uint64_t> statuses;  ///< 0 = no answer (timeout, refused, reset)
  void Merge(const RequestStats& other);
};

/// One named check: how often it held, and the first failures' details (for the report's "why").
struct CheckStats {
  std::uint64_t passes = 0;
  std::uint64_t fails = 0;
  std::vector<std::string> examples;  ///< up to kMaxExamples details of failures
  static constexpr std::size_t kMaxExamples = 5;
  void Merge(const CheckStats& other);
};

/// One interval of the time series (latency percentiles over time, throughput, errors, VUs).
struct Interval {
  Histogram latency;
  std::uint64_t requests = 0;
  std::uint64_t failed = 0;
  std::uint64_t iterations = 0;
  std::uint64_t dropped = 0;
  int vus = 0;  ///< the most VUs busy or allocated during the interval
  void Merge(const Interval& other);
};

/// What happened during one scenario on one worker; recorders of several workers merge exactly.
/// Requests made by a VU's setup (sign-in) are counted under "setup:<name>" and in the checks, but
/// not in the scenario's latency or request totals.
class Recorder {
 public:
  Recorder() : Recorder(Clock::now(), std::chrono::milliseconds(1000)) {}
  Recorder(Clock::time_point start, std::chrono::milliseconds interval);

  struct Sample {
    std::string_view name;
    int status = 0;
    bool failed = false;
    std::uint64_t latency_us = 0;
    std::uint64_t service_us = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    bool setup = false;
  };
  void Request(const Sample& sample, Clock::time_point now);
  /// Returns `ok`.
  bool Check(std::string_view name, bool ok, std::string_view detail);
  void Iteration(std::uint64_t duration_us, Clock::time_point now);
  void Dropped(Clock::time_point now);
  void Interrupted() { ++interrupted_; }
  void Vus(int busy_or_allocated, Clock::time_point now);
  void Merge(const Recorder& other);

  [[nodiscard]] Clock::time_point start() const noexcept { return start_; }
  [[nodiscard]] std::chrono::milliseconds interval() const noexcept { return interval_; }
  [[nodiscard]] const RequestStats& all() const noexcept { return all_; }
  [[nodiscard]] const std::map<std::string, RequestStats, std::less<>>& by_name() const noexcept { return by_name_; }
  [[nodiscard]] const std::map<std::string, CheckStats, std::less<>>& checks() const noexcept { return checks_; }
  [[nodiscard]] const Histogram& iteration_duration() const noexcept { return iteration_; }
  [[nodiscard]] const std::vector<Interval>& series() const noexcept { return series_; }
  [[nodiscard]] std::uint64_t iterations() const noexcept { return iteration_.Count(); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  [[nodiscard]] std::uint64_t interrupted() const noexcept { return interrupted_; }
  [[nodiscard]] std::uint64_t bytes_in() const noexcept { return bytes_in_; }
  [[nodiscard]] std::uint64_t bytes_out() const noexcept { return bytes_out_; }
  [[nodiscard]] int vus_max() const noexcept { return vus_max_; }
  [[nodiscard]] std::uint64_t check_passes() const;
  [[nodiscard]] std::uint64_t check_fails() const;

 private:
  Interval& At(Clock::time_point now);

  Clock::time_point start_;
  std::chrono::milliseconds interval_;
  RequestStats all_;
  std::map<std::string, RequestStats, std::less<>> by_name_;
  std::map<std::string, CheckStats, std::less<>> checks_;
  Histogram iteration_;
  std::vector<Interval> series_;
  std::uint64_t dropped_ = 0;
  std::uint64_t interrupted_ = 0;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  int vus_max_ = 0;
};

}  // namespace comptoir::load
