#include "prometheus.hpp"

#include <unistd.h>

#include <array>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>

#include "comptoir/gateway/health.hpp"
#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::gateway::plugins {

using metrics::Counter;
using metrics::Family;
using metrics::Gauge;
using metrics::Histogram;

namespace {

// Kong's exporter.lua bucket lists (milliseconds).
const std::vector<double> kKongLatencyBuckets{1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000};
const std::vector<double> kUpstreamLatencyBuckets{25,   50,   80,   100,   250,   400,  700,
                                                  1000, 2000, 5000, 10000, 30000, 60000};
constexpr std::string_view kWorkspace = "default";  // OSS: one workspace
constexpr std::string_view kSubsystem = "http";

std::atomic<std::uint64_t> next_uid{1};

// Resident memory of this process (/proc/self/statm, second field, in pages). Kong reports each nginx worker's
// Lua VM; the gateway's workers are threads of one process, so the process is the one "worker" it reports.
double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  double size = 0;
  double resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

/// The kong_* families of one registry and what the scrape-time refresh reads.
struct PrometheusShared {
  Family<Counter>* requests = nullptr;
  Family<Histogram>* kong_latency = nullptr;
  Family<Histogram>* upstream_latency = nullptr;
  Family<Histogram>* request_latency = nullptr;
  Family<Counter>* bandwidth = nullptr;
  Family<Gauge>* target_health = nullptr;
  bool process_registered = false;  // guarded by registries_mutex

  std::mutex mutex;  // guards what follows; never held while calling the registry
  Family<Gauge>* connections = nullptr;
  Family<Gauge>* nginx_requests = nullptr;
  Family<Gauge>* worker_memory = nullptr;
  std::string node_id;
  std::function<ConnectionStats()> stats;
  const HealthView* health = nullptr;
  int health_instances = 0;                           ///< live plugin instances with upstream_health_metrics
  std::set<std::vector<std::string>> health_targets;  ///< {upstream, target, address} exported so far

  /// Runs at each scrape (from the kong_datastore_reachable callback, which renders first).
  void Refresh();
};

void PrometheusShared::Refresh() {
  Family<Gauge>* conn = nullptr;
  Family<Gauge>* reqs = nullptr;
  Family<Gauge>* memory = nullptr;
  std::string node;
  std::function<ConnectionStats()> read_stats;
  const HealthView* view = nullptr;
  {
    std::lock_guard lock(mutex);
    conn = connections;
    reqs = nginx_requests;
    memory = worker_memory;
    node = node_id;
    read_stats = stats;
    view = health_instances > 0 ? health : nullptr;
  }
  if (read_stats && conn != nullptr) {
    const ConnectionStats s = read_stats();
    const std::string sub(kSubsystem);
    conn->WithLabels({node, sub, "accepted"}).Set(s.accepted);
    conn->WithLabels({node, sub, "active"}).Set(s.active);
    conn->WithLabels({node, sub, "handled"}).Set(s.handled);
    conn->WithLabels({node, sub, "reading"}).Set(s.reading);
    conn->WithLabels({node, sub, "total"}).Set(s.total_requests);
    conn->WithLabels({node, sub, "waiting"}).Set(s.waiting);
    conn->WithLabels({node, sub, "writing"}).Set(s.writing);
    if (reqs != nullptr) reqs->WithLabels({node, sub}).Set(s.total_requests);
  }
  if (memory != nullptr) {
    static const std::string pid = std::to_string(::getpid());
    memory->WithLabels({node, pid, std::string(kSubsystem)}).Set(ResidentBytes());
  }
  if (view == nullptr) return;

  static constexpr std::array<std::pair<TargetHealth, std::string_view>, 4> kStates{{
      {TargetHealth::kHealthchecksOff, "healthchecks_off"},
      {TargetHealth::kHealthy, "healthy"},
      {TargetHealth::kUnhealthy, "unhealthy"},
      {TargetHealth::kDnsError, "dns_error"},
  }};
  std::set<std::vector<std::string>> now;
  for (const auto& t : view->Snapshot()) {
    // Kong labels each resolved address; targets here are addresses already.
    std::vector<std::string> key{t.upstream, t.target, t.target};
    for (const auto& [state, name] : kStates) {
      target_health->WithLabels({t.upstream, t.target, t.target, std::string(name), std::string(kSubsystem)})
          .Set(t.health == state ? 1 : 0);
    }
    now.insert(std::move(key));
  }
  std::lock_guard lock(mutex);
  // Kong resets the family at each scrape; children cannot be removed here, so targets gone from the
  // configuration stay at 0 in every state.
  for (const auto& old : health_targets) {
    if (now.count(old) != 0) continue;
    for (const auto& [state, name] : kStates) {
      target_health->WithLabels({old[0], old[1], old[2], std::string(name), std::string(kSubsystem)}).Set(0);
    }
  }
  health_targets.insert(now.begin(), now.end());
}

namespace {

// One PrometheusShared per registry. The registry owns it (through the scrape callback); the table
// only holds weak references, so a registry that goes away takes its families with it.
std::mutex registries_mutex;
std::map<const metrics::Registry*, std::weak_ptr<PrometheusShared>>& Registries() {
  static std::map<const metrics::Registry*, std::weak_ptr<PrometheusShared>> registries;
  return registries;
}

// Requires registries_mutex.
std::shared_ptr<PrometheusShared> SharedForLocked(metrics::Registry& registry) {
  auto& table = Registries();
  if (auto it = table.find(&registry); it != table.end()) {
    if (auto shared = it->second.lock()) return shared;
  }
  auto shared = std::make_shared<PrometheusShared>();
  // Rendered first: refreshes the scrape-time series below it (health, connections).
  registry.AddCallbackGauge("kong_datastore_reachable", "Datastore reachable from Kong, 0 is unreachable", [shared] {
    shared->Refresh();
    return 1.0;  // DB-less: no database to lose
  });
  registry.AddCounter("kong_nginx_metric_errors_total", "Number of nginx-lua-prometheus errors").WithLabels({});
  shared->target_health = &registry.AddGauge(
      "kong_upstream_target_health",
      "Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 "
      "when state is populated.",
      {"upstream", "target", "address", "state", "subsystem"});
  shared->requests =
      &registry.AddCounter("kong_http_requests_total", "HTTP status codes per consumer/service/route in Kong",
                           {"service", "route", "code", "source", "workspace", "consumer"});
  shared->kong_latency = &registry.AddHistogram(
      "kong_kong_latency_ms", "Latency added by Kong and enabled plugins for each service/route in Kong",
      {"service", "route", "workspace"}, kKongLatencyBuckets);
  shared->upstream_latency = &registry.AddHistogram("kong_upstream_latency_ms",
                                                    "Latency added by upstream response for each service/route in Kong",
                                                    {"service", "route", "workspace"}, kUpstreamLatencyBuckets);
  shared->request_latency = &registry.AddHistogram(
      "kong_request_latency_ms", "Total latency incurred during requests for each service/route in Kong",
      {"service", "route", "workspace"}, kUpstreamLatencyBuckets);
  shared->bandwidth =
      &registry.AddCounter("kong_bandwidth_bytes", "Total bandwidth (ingress/egress) throughput in bytes",
                           {"service", "route", "direction", "workspace", "consumer"});
  table[&registry] = shared;
  return shared;
}

}  // namespace

void RegisterPrometheusProcessMetrics(metrics::Registry& registry, std::string node_id,
                                      std::function<ConnectionStats()> stats, std::string version) {
  std::shared_ptr<PrometheusShared> shared;
  Family<Gauge>* connections = nullptr;
  Family<Gauge>* requests = nullptr;
  Family<Gauge>* memory = nullptr;
  {
    std::lock_guard lock(registries_mutex);
    shared = SharedForLocked(registry);
    if (!shared->process_registered) {
      shared->process_registered = true;
      connections = &registry.AddGauge("kong_nginx_connections_total", "Number of connections by subsystem",
                                       {"node_id", "subsystem", "state"});
      requests = &registry.AddGauge("kong_nginx_requests_total", "Number of requests total", {"node_id", "subsystem"});
      memory = &registry.AddGauge("kong_memory_workers_lua_vms_bytes",
                                  "Allocated bytes in worker Lua VM (here: resident memory of the gateway process)",
                                  {"node_id", "pid", "kong_subsystem"});
      registry.AddGauge("kong_node_info", "Kong Node metadata information", {"node_id", "version"})
          .WithLabels({node_id, version})
          .Set(1);
    }
  }
  std::lock_guard state(shared->mutex);
  if (connections != nullptr) {
    shared->connections = connections;
    shared->nginx_requests = requests;
    shared->worker_memory = memory;
  }
  shared->node_id = std::move(node_id);
  shared->stats = std::move(stats);
}

// ---------------------------------------------------------------------------------------------------
// Per-request path: children of every family are looked up once per (service, route, consumer) and per
// status code, then reused without building label vectors.

/// Children for one (service, route, consumer) of one plugin instance.
struct PrometheusSeries {
  std::string service, route, consumer;
  Histogram* kong_latency = nullptr;
  Histogram* upstream_latency = nullptr;
  Histogram* request_latency = nullptr;
  Counter* ingress = nullptr;
  Counter* egress = nullptr;

  // Status counters: a small lock-free table (code * 2 + from_upstream) -> child; inserts under a mutex.
  static constexpr std::size_t kSlots = 32;
  std::array<std::atomic<std::uint32_t>, kSlots> keys{};
  std::array<std::atomic<Counter*>, kSlots> counters{};
  std::mutex insert_mutex;
  std::map<std::uint32_t, Counter*> overflow;  // beyond kSlots distinct codes (guarded by insert_mutex)

  Counter& Status(Family<Counter>& family, int code, bool from_upstream) {
    const std::uint32_t key = static_cast<std::uint32_t>(code) * 2 + (from_upstream ? 1 : 0) + 1;  // 0 = empty
    const std::size_t start = key % kSlots;
    for (std::size_t i = 0; i < kSlots; ++i) {
      const std::size_t slot = (start + i) % kSlots;
      const std::uint32_t k = keys[slot].load(std::memory_order_acquire);
      if (k == key) return *counters[slot].load(std::memory_order_acquire);
      if (k == 0) break;
    }
    std::lock_guard lock(insert_mutex);
    for (std::size_t i = 0; i < kSlots; ++i) {
      const std::size_t slot = (start + i) % kSlots;
      const std::uint32_t k = keys[slot].load(std::memory_order_relaxed);
      if (k == key) return *counters[slot].load(std::memory_order_relaxed);
      if (k == 0) {
        Counter* c = &family.WithLabels({service, route, std::to_string(code), from_upstream ? "service" : "kong",
                                         std::string(kWorkspace), consumer});
        counters[slot].store(c, std::memory_order_release);
        keys[slot].store(key, std::memory_order_release);
        return *c;
      }
    }
    auto& c = overflow[key];
    if (c == nullptr) {
      c = &family.WithLabels({service, route, std::to_string(code), from_upstream ? "service" : "kong",
                              std::string(kWorkspace), consumer});
    }
    return *c;
  }
};

struct Prometheus::SeriesMap {
  struct Key {
    const Service* service;
    const Route* route;
    const Consumer* consumer;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Key& k) const noexcept {
      auto h = std::hash<const void*>{};
      return h(k.service) * 31 * 31 + h(k.route) * 31 + h(k.consumer);
    }
  };
  std::shared_mutex mutex;
  std::unordered_map<Key, std::unique_ptr<PrometheusSeries>, Hash> map;
};

namespace {

// Per-thread direct-mapped cache in front of the instance's map: the hot path takes no lock.
struct CacheEntry {
  std::uint64_t uid = 0;
  const void* service = nullptr;
  const void* route = nullptr;
  const void* consumer = nullptr;
  PrometheusSeries* series = nullptr;
};
constexpr std::size_t kCacheSize = 64;
thread_local std::array<CacheEntry, kCacheSize> series_cache;

}  // namespace

Prometheus::Prometheus(PrometheusConfig config, metrics::Registry& registry, const HealthView* health)
    : config_(config), uid_(next_uid.fetch_add(1)), series_(std::make_unique<SeriesMap>()) {
  {
    std::lock_guard lock(registries_mutex);
    shared_ = SharedForLocked(registry);
  }
  if (config_.upstream_health_metrics) {
    std::lock_guard lock(shared_->mutex);
    ++shared_->health_instances;
    if (health != nullptr) shared_->health = health;
  }
}

Prometheus::~Prometheus() {
  if (config_.upstream_health_metrics) {
    std::lock_guard lock(shared_->mutex);
    --shared_->health_instances;
  }
}

PrometheusSeries& Prometheus::Series(const RequestContext& ctx) const {
  const Consumer* consumer = config_.per_consumer ? ctx.consumer : nullptr;
  const SeriesMap::Key key{ctx.service, ctx.route, consumer};
  const std::size_t index = SeriesMap::Hash{}(key) % kCacheSize;
  CacheEntry& cached = series_cache[index];
  if (cached.uid == uid_ && cached.service == key.service && cached.route == key.route &&
      cached.consumer == key.consumer) {
    return *cached.series;
  }
  PrometheusSeries* series = nullptr;
  {
    std::shared_lock lock(series_->mutex);
    if (auto it = series_->map.find(key); it != series_->map.end()) series = it->second.get();
  }
  if (series == nullptr) {
    auto created = std::make_unique<PrometheusSeries>();
    auto& s = *created;
    // Kong: service name (or host), route name (or id), consumer username when per_consumer.
    if (ctx.service != nullptr) s.service = ctx.service->name.empty() ? ctx.service->host : ctx.service->name;
    if (ctx.route != nullptr) s.route = ctx.route->name.empty() ? ctx.route->id : ctx.route->name;
    if (consumer != nullptr) s.consumer = consumer->username;
    const std::string ws(kWorkspace);
    if (config_.latency_metrics) {
      s.kong_latency = &shared_->kong_latency->WithLabels({s.service, s.route, ws});
      s.upstream_latency = &shared_->upstream_latency->WithLabels({s.service, s.route, ws});
      s.request_latency = &shared_->request_latency->WithLabels({s.service, s.route, ws});
    }
    if (config_.bandwidth_metrics) {
      s.ingress = &shared_->bandwidth->WithLabels({s.service, s.route, "ingress", ws, s.consumer});
      s.egress = &shared_->bandwidth->WithLabels({s.service, s.route, "egress", ws, s.consumer});
    }
    std::unique_lock lock(series_->mutex);
    auto [it, inserted] = series_->map.try_emplace(key, std::move(created));
    series = it->second.get();
  }
  cached = CacheEntry{uid_, key.service, key.route, key.consumer, series};
  return *series;
}

void Prometheus::Log(const RequestContext& ctx) const {
  if (!config_.status_code_metrics && !config_.latency_metrics && !config_.bandwidth_metrics) return;
  PrometheusSeries& s = Series(ctx);
  if (config_.status_code_metrics && ctx.status > 0) {
    s.Status(*shared_->requests, ctx.status, ctx.from_upstream).Inc();
  }
  if (config_.latency_metrics) {
    if (ctx.request_latency_ms >= 0) s.request_latency->Observe(ctx.request_latency_ms);
    if (ctx.upstream_latency_ms >= 0) s.upstream_latency->Observe(ctx.upstream_latency_ms);
    if (ctx.kong_latency_ms >= 0) s.kong_latency->Observe(ctx.kong_latency_ms);
  }
  if (config_.bandwidth_metrics) {
    if (ctx.bytes_received > 0) s.ingress->Inc(static_cast<double>(ctx.bytes_received));
    if (ctx.bytes_sent > 0) s.egress->Inc(static_cast<double>(ctx.bytes_sent));
  }
}

std::shared_ptr<Plugin> CreatePrometheus(SchemaReader& config, const PluginEnv& env) {
  PrometheusConfig c;
  c.per_consumer = config.Bool("per_consumer", false);
  c.status_code_metrics = config.Bool("status_code_metrics", false);
  c.latency_metrics = config.Bool("latency_metrics", false);
  c.bandwidth_metrics = config.Bool("bandwidth_metrics", false);
  c.upstream_health_metrics = config.Bool("upstream_health_metrics", false);
  // Accepted for compatibility with Kong 3.x files; there is nothing for them to export here.
  config.Bool("ai_metrics", false);
  config.Bool("wasm_metrics", false);
  config.RejectUnknown();
  if (!config.ok()) return nullptr;
  if (env.registry == nullptr) {
    config.Fail("name", "no metrics registry in this process");
    return nullptr;
  }
  return std::make_shared<Prometheus>(c, *env.registry, env.health);
}

}  // namespace comptoir::gateway::plugins
