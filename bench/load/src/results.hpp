#pragma once
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "runner.hpp"

namespace comptoir::load {

/// The machine the run happened on: cores, load average (at start and end), CPU, memory, kernel.
struct Machine {
  int nproc = 0;
  std::string cpu_model;
  long mem_total_kb = 0;
  std::string kernel;
  std::string hostname;
  double load_start[3] = {0, 0, 0};
  double load_end[3] = {0, 0, 0};
  static Machine Now();
  void End();
};

/// What the run was: the target, a label (deployment), round, and the command line.
struct RunInfo {
  std::string label;
  int round = 0;
  std::string base_url;
  std::string started_at;  ///< RFC 3339 UTC
  std::string ended_at;
  std::string command;
  double scale = 1;
  int threads = 1;
  Machine machine;
};

/// Trend statistics in milliseconds: avg, min, med, p90, p95, p99, max, count.
boost::json::object TrendJson(const Histogram& h);
/// The whole run as JSON (format: bench/README.md, "Results").
boost::json::object ResultsJson(const RunInfo& info, const std::vector<ScenarioResult>& results);
/// A human summary for the terminal, one block per scenario.
std::string TextSummary(const std::vector<ScenarioResult>& results);
/// Now as RFC 3339 UTC.
std::string UtcNow();

}  // namespace comptoir::load
