#include "comptoir/testing/monitoring.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/json.hpp>

#include "comptoir/http/message.hpp"

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// Copies the rule files, every `for:` replaced by `for_override` when set.
void CopyRules(const std::string& from, const fs::path& to, const std::string& for_override) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().extension() != ".yml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string rules = text.str();
    if (!for_override.empty()) {
      // "$01": group 1 in two digits, since the duration that follows starts with a digit.
      rules = std::regex_replace(rules, std::regex(R"((\n[ \t]+for:[ \t]*)\S+)"), "$01" + for_override);
    }
    std::ofstream(to / entry.path().filename()) << rules;
  }
}

}  // namespace

std::vector<ScrapeTarget> TargetsOf(const Platform& platform, const PlatformOptions& options) {
  std::vector<ScrapeTarget> targets;
  for (const auto& service : options.services) {
    const int count = options.instances.contains(service) ? options.instances.at(service) : 1;
    for (int i = 0; i < count; ++i) {
      ScrapeTarget t{service, platform.Port(service, i), {}};
      if (count > 1) t.labels["instance_id"] = service + "-" + std::to_string(i + 1);
      targets.push_back(std::move(t));
    }
  }
  if (options.gateway) targets.push_back(ScrapeTarget{"gateway", platform.GatewayAdminPort(), {}, platform.GatewayAdminToken()});
  return targets;
}

Monitoring::Monitoring(MonitoringOptions options) : options_(std::move(options)) {
  const std::string unique = options_.name + "_" + std::to_string(::getpid()) + "_" + std::to_string(FreePort());
  dir_ = (StateDir() / unique).string();
  fs::create_directories(dir_);
  CopyRules(options_.rules_dir, fs::path(dir_) / "rules", options_.for_override);
  prometheus_port_ = options_.prometheus_port != 0 ? options_.prometheus_port : FreePort();
  const std::string interval = std::to_string(options_.scrape_interval.count()) + "s";

  if (options_.alertmanager) {
    receiver_port_ = options_.receiver_port != 0 ? options_.receiver_port : FreePort();
    ProcessOptions r;
    r.path = ComptoirBin();
    r.args = {"alert-receiver", "--listen", "127.0.0.1:" + std::to_string(receiver_port_)};
    r.log_file = dir_ + "/alert-receiver.log";
    receiver_ = std::make_unique<ChildProcess>(r);
    if (!WaitForHttp(receiver_port_, "/health", std::chrono::seconds(20))) {
      throw std::runtime_error("the alert receiver did not start:\n" + TailOfFile(r.log_file));
    }
    // The route of deploy/alertmanager/alertmanager.yml with test-sized intervals.
    alertmanager_port_ = FreePort();
    std::ofstream(dir_ + "/alertmanager.yml")
        << "route:\n  receiver: local\n  group_by: [alertname, job, instance]\n  group_wait: 1s\n"
           "  group_interval: 1s\n  repeat_interval: 1h\n"
           "receivers:\n  - name: local\n    webhook_configs:\n      - url: http://127.0.0.1:"
        << receiver_port_ << "/alerts\n        send_resolved: true\n";
    ProcessOptions a;
    a.path = Env("COMPTOIR_ALERTMANAGER_BIN", "/usr/bin/prometheus-alertmanager");
    a.args = {"--config.file=" + dir_ + "/alertmanager.yml", "--storage.path=" + dir_ + "/alertmanager",
              "--web.listen-address=127.0.0.1:" + std::to_string(alertmanager_port_),
              "--cluster.listen-address=", "--log.level=warn"};
    a.log_file = dir_ + "/alertmanager.log";
    alertmanager_ = std::make_unique<ChildProcess>(a);
    if (!WaitForHttp(alertmanager_port_, "/-/ready", std::chrono::seconds(30))) {
      throw std::runtime_error("Alertmanager did not start:\n" + TailOfFile(a.log_file));
    }
  }

  if (options_.exporters) {
    const int pg_port = FreePort();
    ProcessOptions e;
    e.path = Env("COMPTOIR_POSTGRES_EXPORTER_BIN", "/usr/bin/prometheus-postgres-exporter");
    e.args = {"--web.listen-address=127.0.0.1:" + std::to_string(pg_port), "--log.level=warn"};
    e.env = {{"DATA_SOURCE_NAME", PgAdminConninfo() + " sslmode=disable"}};
    e.log_file = dir_ + "/postgres-exporter.log";
    postgres_exporter_ = std::make_unique<ChildProcess>(e);
    const int redis_port = FreePort();
    ProcessOptions r;
    r.path = Env("COMPTOIR_REDIS_EXPORTER_BIN", "/usr/bin/prometheus-redis-exporter");
    r.args = {"--redis.addr=redis://127.0.0.1:" + std::to_string(RedisPort()),
              "--web.listen-address=127.0.0.1:" + std::to_string(redis_port)};
    r.log_file = dir_ + "/redis-exporter.log";
    redis_exporter_ = std::make_unique<ChildProcess>(r);
    if (!WaitForHttp(pg_port, "/metrics", std::chrono::seconds(20)) ||
        !WaitForHttp(redis_port, "/metrics", std::chrono::seconds(20))) {
      throw std::runtime_error("the exporters did not start:\n" + TailOfFile(e.log_file) + TailOfFile(r.log_file));
    }
    options_.targets.push_back(ScrapeTarget{"postgres", pg_port, {}});
    options_.targets.push_back(ScrapeTarget{"redis", redis_port, {}});
  }

  std::ofstream config(dir_ + "/prometheus.yml");
  config << "global:\n  scrape_interval: " << interval << "\n  scrape_timeout: " << interval
         << "\n  evaluation_interval: " << interval << "\nrule_files:\n  - " << dir_ << "/rules/*.yml\n";
  if (options_.alertmanager) {
    config << "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:"
           << alertmanager_port_ << "']\n";
  }
  config << "scrape_configs:\n";
  std::map<std::string, std::vector<const ScrapeTarget*>> by_job;
  for (const auto& t : options_.targets) by_job[t.job].push_back(&t);
  for (const auto& [job, targets] : by_job) {
    config << "  - job_name: " << job << "\n";
    if (!targets.front()->bearer_token.empty()) {
      config << "    authorization: {type: Bearer, credentials: '" << targets.front()->bearer_token << "'}\n";
    }
    config << "    static_configs:\n";
    for (const auto* t : targets) {
      config << "      - targets: ['127.0.0.1:" << t->port << "']\n";
      if (!t->labels.empty()) {
        config << "        labels:\n";
        for (const auto& [k, v] : t->labels) config << "          " << k << ": '" << v << "'\n";
      }
    }
  }
  config.close();
  ProcessOptions p;
  p.path = Env("COMPTOIR_PROMETHEUS_BIN", "/usr/bin/prometheus");
  p.args = {"--config.file=" + dir_ + "/prometheus.yml", "--storage.tsdb.path=" + dir_ + "/prometheus",
            "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_), "--log.level=warn",
            // Alerts resolved go out at once; firing ones are sent again every second (the default is 1m).
            "--rules.alert.resend-delay=1s"};
  p.log_file = dir_ + "/prometheus.log";
  prometheus_ = std::make_unique<ChildProcess>(p);
  if (!WaitForHttp(prometheus_port_, "/-/ready", std::chrono::seconds(60))) {
    throw std::runtime_error("Prometheus did not start:\n" + TailOfFile(p.log_file));
  }
}

Monitoring::~Monitoring() {
  if (prometheus_) prometheus_->Stop();
  if (postgres_exporter_) postgres_exporter_->Stop();
  if (redis_exporter_) redis_exporter_->Stop();
  if (alertmanager_) alertmanager_->Stop();
  if (receiver_) receiver_->Stop();
}

json::value Monitoring::Api(const std::string& target) const {
  HttpResult r = Http(static_cast<std::uint16_t>(prometheus_port_), "GET", target);
  if (r.status != 200)
    throw std::runtime_error("Prometheus " + target + ": HTTP " + std::to_string(r.status) + " " + r.body);
  return json::parse(r.body);
}

json::array Monitoring::Query(const std::string& expr) const {
  json::value answer = Api("/api/v1/query?query=" + http::PercentEncode(expr));
  return answer.at("data").at("result").as_array();
}

bool Monitoring::WaitAllUp(std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    json::value targets = Api("/api/v1/targets?state=active");
    const auto& active = targets.at("data").at("activeTargets").as_array();
    bool all = !active.empty() && active.size() == options_.targets.size();
    for (const auto& t : active) all = all && t.at("health").as_string() == "up";
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

}  // namespace comptoir::testing
