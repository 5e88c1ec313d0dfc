#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "comptoir/testing/process.hpp"

namespace comptoir::testing {

class Platform;
struct PlatformOptions;

/// One thing Prometheus scrapes: its job, its port on 127.0.0.1 and extra target labels.
struct ScrapeTarget {
  std::string job;
  int port = 0;
  std::map<std::string, std::string> labels;
  std::string bearer_token;  ///< sent as Authorization: Bearer (the gateway's Admin API /metrics)
};

/// The scrape targets of a running Platform, as scripts/platform.sh names them: one job per service (label
/// `instance_id` <service>-<n> on each instance of a service with several), and job `gateway` (Admin API).
std::vector<ScrapeTarget> TargetsOf(const Platform& platform, const PlatformOptions& options);

struct MonitoringOptions {
  std::vector<ScrapeTarget> targets;
  /// Directory of the rule files (deploy/prometheus/rules). Copied; when `for_override` is set, every `for:`
  /// of the copy becomes that duration, so that alerts fire within a test's patience (expressions unchanged).
  std::string rules_dir;
  std::string for_override;
  std::chrono::seconds scrape_interval{1};
  /// Also start Alertmanager (short group intervals) and `comptoir alert-receiver` behind it.
  bool alertmanager = true;
  /// Also start the PostgreSQL and Redis exporters (Debian packages) against the "pg" and "redis" fixtures,
  /// scraped as jobs `postgres` and `redis`.
  bool exporters = false;
  std::string name = "monitoring";
  /// Ports of Prometheus and of the receiver; 0 picks a free one. A test chooses them beforehand when a process
  /// it starts earlier must know them (the web service's `web.prometheus_url`).
  int prometheus_port = 0;
  int receiver_port = 0;
};

/// A real Prometheus (Debian `prometheus`), and optionally Alertmanager and the alert receiver, on free
/// loopback ports with data in a temporary directory; stopped (by pid) when the object goes.
class Monitoring {
 public:
  explicit Monitoring(MonitoringOptions options);
  ~Monitoring();
  Monitoring(const Monitoring&) = delete;
  Monitoring& operator=(const Monitoring&) = delete;

  [[nodiscard]] int PrometheusPort() const { return prometheus_port_; }
  [[nodiscard]] int AlertmanagerPort() const { return alertmanager_port_; }
  [[nodiscard]] int ReceiverPort() const { return receiver_port_; }
  [[nodiscard]] const std::string& Dir() const { return dir_; }

  /// GET on Prometheus's HTTP API (e.g. "/api/v1/targets"): the parsed answer; throws when not 200.
  [[nodiscard]] boost::json::value Api(const std::string& target) const;
  /// An instant query: the `data.result` array of /api/v1/query.
  [[nodiscard]] boost::json::array Query(const std::string& expr) const;
  /// Waits until every scrape target is up (true), or `timeout`.
  bool WaitAllUp(std::chrono::seconds timeout) const;

 private:
  MonitoringOptions options_;
  std::string dir_;
  int prometheus_port_ = 0;
  int alertmanager_port_ = 0;
  int receiver_port_ = 0;
  std::unique_ptr<ChildProcess> receiver_;
  std::unique_ptr<ChildProcess> postgres_exporter_;
  std::unique_ptr<ChildProcess> redis_exporter_;
  std::unique_ptr<ChildProcess> alertmanager_;
  std::unique_ptr<ChildProcess> prometheus_;
};

}  // namespace comptoir::testing
