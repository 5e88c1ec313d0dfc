// comptoir-load: the project's load runner (k6-style executors, checks, thresholds, JSON results).
//   comptoir-load list
//   comptoir-load run --base-url http://127.0.0.1:8080 --scenario pos-sale,dashboard [--full] --out r.json
// See bench/README.md.
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "src/results.hpp"
#include "src/scenarios.hpp"

namespace {
using namespace comptoir::load;

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"comptoir-load: load tests of Comptoir (k6-style executors, checks, thresholds)"};
  app.require_subcommand(1);
  auto* list = app.add_subcommand("list", "List the scenarios");
  auto* run = app.add_subcommand("run", "Run scenarios, one after the other");
  std::string base_url = "http://127.0.0.1:8080";
  std::string scenario_list;
  bool full = false;
  double scale = 0.1;
  std::string duration, executor, stages, out_file, label, api_key = Target{}.api_key;
  double rate = 0;
  int vus = 0, max_vus = 0, pre_allocated = 0, threads = 1, round = 0, shoppers = 0, cashiers_per_store = 0,
      managers = 0, timeout_ms = 10000, interval_ms = 0;
  std::size_t catalogue = 5000;
  std::vector<std::string> extra_thresholds;
  bool no_default_thresholds = false;
  bool quiet = false;
  run->add_option("--base-url", base_url, "Gateway (or service) URL")->capture_default_str();
  run->add_option("--scenario,-s", scenario_list, "Scenario names, comma-separated (see `list`)")->required();
  run->add_flag("--full", full, "Run the profiles at full length (else scaled by --scale)");
  run->add_option("--scale", scale, "Factor on every duration when not --full")->capture_default_str();
  run->add_option("--duration", duration, "Override: duration (constant executors), e.g. 30s");
  run->add_option("--stages", stages, "Override: stages, e.g. 10s:20,30s:20,10s:0");
  run->add_option("--executor", executor,
                  "Override: constant-arrival-rate | ramping-arrival-rate | ramping-vus | constant-vus");
  run->add_option("--rate", rate, "Override: iterations per second (arrival-rate)");
  run->add_option("--vus", vus, "Override: VUs (constant-vus)");
  run->add_option("--pre-allocated-vus", pre_allocated, "Override: preAllocatedVUs");
  run->add_option("--max-vus", max_vus, "Override: maxVUs");
  run->add_option("--threads", threads, "Runner threads (event loops)")->capture_default_str();
  run->add_option("--api-key", api_key, "X-API-Key sent with every request")->capture_default_str();
  run->add_option("--timeout-ms", timeout_ms, "Request timeout")->capture_default_str();
  run->add_option("--interval-ms", interval_ms, "Time-series resolution (default: 1 s, coarser for long runs)");
  run->add_option("--shoppers", shoppers, "Generated shopper accounts to sign in as (0: each VU registers one)");
  run->add_option("--cashiers-per-store", cashiers_per_store,
                  "Generated cashier accounts per store to sign in as (0: the demo's one per store)");
  run->add_option("--managers", managers, "Generated manager accounts to sign in as (0: the demo's manager)");
  run->add_option("--catalogue", catalogue, "Products read by the setup (at most)")->capture_default_str();
  run->add_option("--threshold", extra_thresholds, "More thresholds, e.g. 'http_req_latency: p(99)<50'");
  run->add_flag("--no-default-thresholds", no_default_thresholds, "Only the --threshold ones");
  run->add_option("--out,-o", out_file, "Write the results as JSON here");
  run->add_option("--label", label, "Label of the run (the deployment)");
  run->add_option("--round", round, "Round number (interleaved runs)");
  run->add_flag("--quiet,-q", quiet, "No summary on stdout");
  CLI11_PARSE(app, argc, argv);

  if (list->parsed()) {
    for (const auto& s : Catalogue()) {
      std::cout << s.name << "\t" << ExecutorName(s.executor.type) << " "
                << FormatDuration(ScheduledDuration(s.executor)) << "\t" << s.description << "\n";
    }
    return 0;
  }

  auto url = boost::urls::parse_uri(base_url);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    std::cerr << "comptoir-load: --base-url must be http://host[:port]\n";
    return 2;
  }
  Target target;
  target.host = url->host();
  target.port = url->has_port() ? url->port_number() : 80;
  target.api_key = api_key;
  target.timeout = std::chrono::milliseconds(timeout_ms);

  std::vector<Scenario> chosen;
  for (const auto& name : Split(scenario_list)) {
    const Scenario* s = FindScenario(name);
    if (s == nullptr) {
      std::cerr << "comptoir-load: unknown scenario '" << name << "' (comptoir-load list)\n";
      return 2;
    }
    Scenario copy = *s;
    if (!full) copy.executor = Scaled(copy.executor, scale);
    if (!executor.empty()) {
      auto type = ParseExecutor(executor);
      if (!type) {
        std::cerr << "comptoir-load: unknown executor '" << executor << "'\n";
        return 2;
      }
      copy.executor.type = *type;
    }
    if (!duration.empty()) {
      auto d = ParseDuration(duration);
      if (!d) {
        std::cerr << "comptoir-load: bad --duration '" << duration << "'\n";
        return 2;
      }
      copy.executor.duration = *d;
    }
    if (!stages.empty()) {
      auto st = ParseStages(stages);
      if (!st) {
        std::cerr << "comptoir-load: bad --stages '" << stages << "' (e.g. 10s:20,30s:20,10s:0)\n";
        return 2;
      }
      copy.executor.stages = *st;
    }
    if (rate > 0) copy.executor.rate = rate;
    if (vus > 0) copy.executor.vus = vus;
    if (pre_allocated > 0) copy.executor.pre_allocated_vus = pre_allocated;
    if (max_vus > 0) copy.executor.max_vus = max_vus;
    if (no_default_thresholds) copy.thresholds.clear();
    copy.thresholds.insert(copy.thresholds.end(), extra_thresholds.begin(), extra_thresholds.end());
    chosen.push_back(std::move(copy));
  }
  std::vector<std::vector<Threshold>> thresholds;
  for (const auto& s : chosen) {
    thresholds.emplace_back();
    for (const auto& text : s.thresholds) {
      std::string error;
      auto t = ParseThreshold(text, &error);
      if (!t) {
        std::cerr << "comptoir-load: " << error << "\n";
        return 2;
      }
      thresholds.back().push_back(*t);
    }
  }

  RunInfo info;
  info.label = label;
  info.round = round;
  info.base_url = base_url;
  info.scale = full ? 1.0 : scale;
  info.threads = threads;
  info.machine = Machine::Now();
  info.started_at = UtcNow();
  for (int i = 0; i < argc; ++i) info.command += (i ? " " : "") + std::string(argv[i]);

  Shared shared;
  try {
    shared = Prepare(target, catalogue, shoppers);
    shared.cashiers_per_store = cashiers_per_store;
    shared.managers = managers;
  } catch (const std::exception& e) {
    std::cerr << "comptoir-load: " << e.what() << "\n";
    return 1;
  }
  std::vector<ScenarioResult> results;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    RunOptions options;
    options.threads = threads;
    const double length = ScheduledDuration(chosen[i].executor).count();
    options.interval = std::chrono::milliseconds(
        interval_ms > 0 ? interval_ms : std::max(1000, static_cast<int>(length / 300.0 * 1000) / 1000 * 1000));
    if (!quiet)
      std::cerr << "comptoir-load: " << chosen[i].name << " (" << FormatDuration(ScheduledDuration(chosen[i].executor))
                << ")\n";
    results.push_back(RunScenario(chosen[i], target, shared, options, thresholds[i]));
  }
  info.machine.End();
  info.ended_at = UtcNow();
  if (!quiet) std::cout << TextSummary(results);
  if (!out_file.empty()) {
    std::ofstream out(out_file);
    out << boost::json::serialize(ResultsJson(info, results)) << "\n";
    if (!out) {
      std::cerr << "comptoir-load: cannot write " << out_file << "\n";
      return 1;
    }
  }
  return ExitCode(results);
}
