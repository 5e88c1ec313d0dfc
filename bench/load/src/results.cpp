#include "results.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

namespace comptoir::load {
namespace json = boost::json;

namespace {
void ReadLoad(double out[3]) {
  std::ifstream in("/proc/loadavg");
  in >> out[0] >> out[1] >> out[2];
}

double Ms(std::uint64_t us) {
  return std::round(static_cast<double>(us) / 10.0) / 100.0;
}  // 0.01 ms

json::object ExecutorJson(const ExecutorConfig& c) {
  json::object o{{"type", ExecutorName(c.type)}};
  switch (c.type) {
    case ExecutorType::kConstantArrivalRate:
      o["rate"] = c.rate;
      o["time_unit"] = FormatDuration(c.time_unit);
      o["duration"] = FormatDuration(c.duration);
      o["pre_allocated_vus"] = c.pre_allocated_vus;
      o["max_vus"] = c.max_vus;
      break;
    case ExecutorType::kRampingArrivalRate:
    case ExecutorType::kRampingVus: {
      if (c.type == ExecutorType::kRampingArrivalRate) {
        o["start_rate"] = c.start_rate;
        o["time_unit"] = FormatDuration(c.time_unit);
        o["pre_allocated_vus"] = c.pre_allocated_vus;
        o["max_vus"] = c.max_vus;
      } else {
        o["start_vus"] = c.start_vus;
      }
      json::array stages;
      for (const auto& s : c.stages)
        stages.push_back(json::object{{"duration", FormatDuration(s.duration)}, {"target", s.target}});
      o["stages"] = std::move(stages);
      break;
    }
    case ExecutorType::kConstantVus:
      o["vus"] = c.vus;
      o["duration"] = FormatDuration(c.duration);
      break;
  }
  return o;
}

json::object RequestJson(const RequestStats& s, double seconds) {
  json::object statuses;
  for (const auto& [status, n] : s.statuses) statuses[std::to_string(status)] = n;
  return json::object{{"count", s.count},
                      {"failed", s.failed},
                      {"rate", seconds > 0 ? static_cast<double>(s.count) / seconds : 0.0},
                      {"statuses", std::move(statuses)},
                      {"latency_ms", TrendJson(s.latency)},
                      {"duration_ms", TrendJson(s.service)}};
}

json::object ScenarioJson(const ScenarioResult& r) {
  const Recorder& rec = r.recorder;
  json::object by_name;
  for (const auto& [name, stats] : rec.by_name()) by_name[name] = RequestJson(stats, r.seconds);
  json::array checks;
  for (const auto& [name, c] : rec.checks()) {
    json::array examples;
    for (const auto& e : c.examples) examples.push_back(json::value(e));
    checks.push_back(
        json::object{{"name", name}, {"passes", c.passes}, {"fails", c.fails}, {"examples", std::move(examples)}});
  }
  json::array thresholds;
  for (const auto& t : r.thresholds) {
    thresholds.push_back(json::object{{"expression", t.threshold.expression},
                                      {"value", t.value ? json::value(*t.value) : json::value(nullptr)},
                                      {"ok", t.ok}});
  }
  json::array series;
  const double step = std::chrono::duration<double>(rec.interval()).count();
  for (std::size_t i = 0; i < rec.series().size(); ++i) {
    const Interval& iv = rec.series()[i];
    series.push_back(json::object{{"t", static_cast<double>(i) * step},
                                  {"requests", iv.requests},
                                  {"rps", static_cast<double>(iv.requests) / step},
                                  {"failed", iv.failed},
                                  {"iterations", iv.iterations},
                                  {"dropped", iv.dropped},
                                  {"vus", iv.vus},
                                  {"p50_ms", Ms(iv.latency.Percentile(50))},
                                  {"p95_ms", Ms(iv.latency.Percentile(95))},
                                  {"p99_ms", Ms(iv.latency.Percentile(99))},
                                  {"max_ms", Ms(iv.latency.Max())}});
  }
  return json::object{
      {"name", r.name},
      {"description", r.description},
      {"executor", ExecutorJson(r.executor)},
      {"seconds", r.seconds},
      {"iterations", rec.iterations()},
      {"iterations_rate", r.seconds > 0 ? static_cast<double>(rec.iterations()) / r.seconds : 0.0},
      {"dropped_iterations", rec.dropped()},
      {"interrupted_iterations", rec.interrupted()},
      {"vus_max", rec.vus_max()},
      {"iteration_duration_ms", TrendJson(rec.iteration_duration())},
      {"requests", RequestJson(rec.all(), r.seconds)},
      {"by_name", std::move(by_name)},
      {"data_received", rec.bytes_in()},
      {"data_sent", rec.bytes_out()},
      {"checks",
       json::object{{"passes", rec.check_passes()}, {"fails", rec.check_fails()}, {"list", std::move(checks)}}},
      {"thresholds", std::move(thresholds)},
      {"ok", r.ok()},
      {"interval_s", step},
      {"series", std::move(series)}};
}

}  // namespace

Machine Machine::Now() {
  Machine m;
  m.nproc = static_cast<int>(std::thread::hardware_concurrency());
  ReadLoad(m.load_start);
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      m.cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  std::string key;
  mem >> key >> m.mem_total_kb;
  utsname u{};
  if (uname(&u) == 0) {
    m.kernel = std::string(u.sysname) + " " + u.release;
    m.hostname = u.nodename;
  }
  return m;
}

void Machine::End() {
  ReadLoad(load_end);
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

json::object TrendJson(const Histogram& h) {
  return json::object{{"count", h.Count()},          {"avg", std::round(h.Mean() / 10.0) / 100.0},
                      {"min", Ms(h.Min())},          {"med", Ms(h.Percentile(50))},
                      {"p90", Ms(h.Percentile(90))}, {"p95", Ms(h.Percentile(95))},
                      {"p99", Ms(h.Percentile(99))}, {"max", Ms(h.Max())}};
}

json::object ResultsJson(const RunInfo& info, const std::vector<ScenarioResult>& results) {
  const Machine& m = info.machine;
  json::array scenarios;
  bool ok = true;
  std::uint64_t fails = 0;
  std::uint64_t passes = 0;
  for (const auto& r : results) {
    scenarios.push_back(ScenarioJson(r));
    ok = ok && r.ok();
    fails += r.recorder.check_fails();
    passes += r.recorder.check_passes();
  }
  return json::object{
      {"tool", "comptoir-load"},
      {"format", 1},
      {"label", info.label},
      {"round", info.round},
      {"base_url", info.base_url},
      {"started_at", info.started_at},
      {"ended_at", info.ended_at},
      {"command", info.command},
      {"scale", info.scale},
      {"threads", info.threads},
      {"machine", json::object{{"nproc", m.nproc},
                               {"cpu_model", m.cpu_model},
                               {"mem_total_kb", m.mem_total_kb},
                               {"kernel", m.kernel},
                               {"hostname", m.hostname},
                               {"loadavg_start", json::array{m.load_start[0], m.load_start[1], m.load_start[2]}},
                               {"loadavg_end", json::array{m.load_end[0], m.load_end[1], m.load_end[2]}}}},
      {"checks", json::object{{"passes", passes}, {"fails", fails}}},
      {"ok", ok},
      {"scenarios", std::move(scenarios)}};
}

std::string TextSummary(const std::vector<ScenarioResult>& results) {
  std::ostringstream out;
  char line[512];
  for (const auto& r : results) {
    const Recorder& rec = r.recorder;
    const auto& lat = rec.all().latency;
    std::snprintf(line, sizeof line,
                  "%-22s %s  %.1fs  iterations %llu (%.1f/s) dropped %llu  requests %llu (%.1f/s) failed %llu  "
                  "latency ms p50 %.2f p95 %.2f p99 %.2f max %.2f  checks %llu/%llu\n",
                  r.name.c_str(), r.ok() ? "ok  " : "FAIL", r.seconds,
                  static_cast<unsigned long long>(rec.iterations()),
                  r.seconds > 0 ? static_cast<double>(rec.iterations()) / r.seconds : 0.0,
                  static_cast<unsigned long long>(rec.dropped()), static_cast<unsigned long long>(rec.all().count),
                  r.seconds > 0 ? static_cast<double>(rec.all().count) / r.seconds : 0.0,
                  static_cast<unsigned long long>(rec.all().failed), Ms(lat.Percentile(50)), Ms(lat.Percentile(95)),
                  Ms(lat.Percentile(99)), Ms(lat.Max()), static_cast<unsigned long long>(rec.check_passes()),
                  static_cast<unsigned long long>(rec.check_passes() + rec.check_fails()));
    out << line;
    for (const auto& [name, s] : rec.by_name()) {
      std::snprintf(line, sizeof line, "    %-28s %8llu req  failed %llu  p50 %.2f p95 %.2f p99 %.2f ms\n",
                    name.c_str(), static_cast<unsigned long long>(s.count), static_cast<unsigned long long>(s.failed),
                    Ms(s.latency.Percentile(50)), Ms(s.latency.Percentile(95)), Ms(s.latency.Percentile(99)));
      out << line;
    }
    for (const auto& [name, c] : rec.checks()) {
      if (c.fails == 0) continue;
      out << "    FAILED CHECK " << name << ": " << c.fails << " of " << (c.passes + c.fails);
      if (!c.examples.empty()) out << " — e.g. " << c.examples.front();
      out << "\n";
    }
    for (const auto& t : r.thresholds) {
      std::snprintf(line, sizeof line, "    threshold %-50s %s (%s)\n", t.threshold.expression.c_str(),
                    t.ok ? "ok" : "FAILED", t.value ? std::to_string(*t.value).c_str() : "no data");
      out << line;
    }
  }
  return out.str();
}

}  // namespace comptoir::load
