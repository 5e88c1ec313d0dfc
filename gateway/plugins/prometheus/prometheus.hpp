#pragma once
// Kong's prometheus plugin (kong/plugins/prometheus/exporter.lua): per-request metrics recorded in the
// log phase under Kong's metric names and labels, and the process-level metrics Kong always exports.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "comptoir/gateway/plugin.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::gateway::plugins {

/// Connection counters of the proxy listener, the equivalent of nginx's stub_status.
struct ConnectionStats {
  double active = 0;    ///< open client connections
  double reading = 0;   ///< reading a request
  double writing = 0;   ///< writing a response (or waiting for the upstream)
  double waiting = 0;   ///< idle keep-alive
  double accepted = 0;  ///< accepted since start
  double handled = 0;   ///< handled since start (== accepted unless refused)
  double total_requests = 0;
};

/// Registers the process-level metrics of Kong's exporter in `registry`, read at each scrape:
///   kong_nginx_connections_total{node_id,subsystem="http",state=accepted|active|handled|reading|total|waiting|writing}
///   kong_nginx_requests_total{node_id,subsystem="http"}
///   kong_node_info{node_id,version} 1
/// (kong_datastore_reachable 1, kong_nginx_metric_errors_total and the per-request families are
/// created too, once per registry, so /metrics shows them before the first request as Kong does).
/// Call once at start-up, before serving /metrics; `stats` is called at every scrape from the
/// scraping thread and must be thread-safe. A second call for the same registry only replaces
/// `stats`. `registry` must outlive every prometheus plugin instance.
void RegisterPrometheusProcessMetrics(metrics::Registry& registry, std::string node_id,
                                      std::function<ConnectionStats()> stats, std::string version = "3.9.1");

struct PrometheusConfig {
  bool per_consumer = false;
  bool status_code_metrics = false;
  bool latency_metrics = false;
  bool bandwidth_metrics = false;
  bool upstream_health_metrics = false;
};

struct PrometheusShared;
struct PrometheusSeries;

/// One configured prometheus plugin. The metric families are shared by every instance on the same
/// registry (global and per-service plugins, and the instances of successive configurations).
class Prometheus final : public Plugin {
 public:
  Prometheus(PrometheusConfig config, metrics::Registry& registry, const HealthView* health);
  ~Prometheus() override;

  [[nodiscard]] int Priority() const override { return 13; }
  [[nodiscard]] std::string_view Name() const override { return "prometheus"; }
  void Log(const RequestContext& ctx) const override;

 private:
  PrometheusSeries& Series(const RequestContext& ctx) const;

  PrometheusConfig config_;
  std::shared_ptr<PrometheusShared> shared_;
  std::uint64_t uid_;  ///< never reused: keys the per-thread cache
  struct SeriesMap;
  std::unique_ptr<SeriesMap> series_;
};

}  // namespace comptoir::gateway::plugins
